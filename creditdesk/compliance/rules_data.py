"""The guard's first rules (the compliance officer edits them afterwards): each with what is wrong, the
compliant alternative and its source. Loaded by the migration ``compliance.0002``.

Where a source names a regulation without an article, the wording of the rule is the bank's practice
built on it and should be confirmed by compliance (the note of issue 18 says so).
"""

from __future__ import annotations

from typing import Any

PROMISE_SOURCE = (
    "PRODUCT.md §8；《银行保险机构消费者权益保护管理办法》（中国银保监会令2022年第9号）关于不得进行欺诈、"
    "隐瞒或误导性宣传的规定（条款以合规确认为准）"
)
CREDIT_RECORD_SOURCE = "RULES.md「Personal information」；《征信业管理条例》第十六条、第二十五条"
APR_SOURCE = "RULES.md「Rules that must hold」；中国人民银行公告〔2021〕第3号（明示年化利率）"
PRIVACY_SOURCE = "RULES.md「Personal information」；《个人信息保护法》第二十八条；JR/T 0171-2020"
COLLECTION_SOURCE = (
    "种子文档 003（柔性催收）；《银行保险机构消费者权益保护管理办法》关于不得以暴力、恐吓、侮辱、诽谤、骚扰"
    "等方式催收的规定（条款以合规确认为准）"
)

RULES: list[dict[str, Any]] = [
    {
        "code": "promise_approval",
        "name": "承诺审批结果",
        "kind": "phrase",
        "severity": "block",
        "pattern": "\n".join(
            [
                "包过",
                "稳过",
                "必过",
                "包批",
                "包下款",
                "保证放款",
                "保证下款",
                "保证批",
                "保证通过",
                "百分百下款",
                "百分之百下款",
                "100%下款",
                "百分百通过",
                "100%通过",
                "一定能批",
                "肯定能批",
                "秒批",
                "秒过",
                "秒下款",
                "无需审核",
                "免审核",
                "不用审核",
                "不审核",
            ]
        ),
        "message": "不能承诺审批或放款结果：贷款须经银行独立审核，结果以审批为准。",
        "suggestion": "申请结果以银行审核为准，我会协助您把材料准备完整，有进展第一时间告诉您。",
        "source": PROMISE_SOURCE,
    },
    {
        "code": "ignore_credit_record",
        "name": "宣称不看征信",
        "kind": "phrase",
        "severity": "block",
        "pattern": "无视征信\n不看征信\n不查征信\n不上征信\n征信不好也能贷\n黑户可贷\n黑户也能贷\n白户秒下",
        "message": "不能宣称不查询或不考虑征信：贷款审查须依法查询并评估信用记录（须经客户书面授权）。",
        "suggestion": "征信是审批会综合考虑的一项，我可以先帮您了解情况，再看哪款产品更合适。",
        "source": PROMISE_SOURCE + "；《征信业管理条例》第十八条",
    },
    {
        "code": "internal_channel",
        "name": "宣称内部渠道",
        "kind": "phrase",
        "severity": "block",
        "pattern": "内部渠道\n内部关系\n特殊渠道\n走后门\n找关系办\n内部名额",
        "message": "不能宣称有内部渠道或特殊关系：所有申请按同一标准审核。",
        "suggestion": "所有客户都按同一标准审核，我会按正常流程尽快为您办理。",
        "source": PROMISE_SOURCE,
    },
    {
        "code": "credit_repair",
        "name": "征信修复/洗白",
        "kind": "phrase",
        "severity": "block",
        "pattern": "\n".join(
            [
                "征信修复",
                "修复征信",
                "征信洗白",
                "洗白",
                "消除逾期",
                "删除逾期",
                "逾期记录可以删",
                "铲单",
                "花钱消除",
            ]
        ),
        "message": (
            "不能承诺或暗示修复、洗白、删除信用记录：正确的记录依法保存，错误的记录只能通过异议申诉更正。"
        ),
        "suggestion": (
            "如果您认为征信记录有误，可以向报送机构或征信中心提出异议申诉，我可以告诉您需要准备哪些材料。"
        ),
        "source": CREDIT_RECORD_SOURCE,
    },
    {
        "code": "rate_without_apr",
        "name": "只报月息/日息或“低息”而不标年化利率",
        "kind": "rate_without_apr",
        "severity": "block",
        "pattern": (
            r"月息|月利率|月费率|日息|日利率|日费率|万分之[0-9一二三四五六七八九十点.]+|[0-9.]+\s*厘|低息|"
            r"超低利率|利息(很|超|最)?低|利率(很|超|最)?低|零利息|0利息|免息"
        ),
        "message": (
            "提到月利率、日利率或“低息”时，须同时标明年化利率（按实际现金流含费用计算），且不低于其醒目程度。"
        ),
        "suggestion": "本产品年化利率为 X%（单利，含全部费用，按实际现金流计算），具体以合同为准。",
        "source": APR_SOURCE,
    },
    {
        "code": "superlative_claim",
        "name": "绝对化用语",
        "kind": "phrase",
        "severity": "warn",
        "pattern": "全网最低\n全市最低\n利率最低\n最低利率\n零风险\n无风险\n史上最低",
        "message": "避免“最低”“无风险”等绝对化用语：无法证实，易构成误导。",
        "suggestion": "以具体的年化利率和费用说明产品，不与他人作绝对化比较。",
        "source": "《中华人民共和国广告法》第九条第（三）项",
    },
    {
        "code": "upfront_fee",
        "name": "放款前收费/向个人转账",
        "kind": "regex",
        "severity": "block",
        "pattern": (
            r"(先|提前|放款前|下款前)(交|付|缴|转)[^。！？\n]{0,6}(费|保证金|押金|解冻金|会员)|"
            r"转(账|钱)?(到|给)我(的)?(个人)?(账户|卡|微信|支付宝)|打到我(的)?(个人)?(卡|账户)"
        ),
        "message": "不得要求客户放款前交费，或把钱转给个人：银行不以贷收费，费用只按合同收取并计入年化利率。",
        "suggestion": "办理贷款不需要向任何个人付费，合同约定的费用都会写明并计入年化利率。",
        "source": (
            "《中国银监会关于整治银行业金融机构不规范经营的通知》（银监发〔2012〕3号，“七不准”：不得以贷收费）"
        ),
    },
    {
        "code": "id_number_unmasked",
        "name": "完整身份证号",
        "kind": "id_number",
        "severity": "block",
        "pattern": "",
        "message": "文本含完整的身份证号码：个人敏感信息只能以脱敏形式发送（如 110***********123X）。",
        "suggestion": "请删去证件号码，或只保留前 3 位和后 4 位。",
        "source": PRIVACY_SOURCE,
    },
    {
        "code": "bank_card_unmasked",
        "name": "完整银行卡号",
        "kind": "bank_card",
        "severity": "block",
        "pattern": "",
        "message": "文本含完整的银行卡号：只能显示卡号后 4 位。",
        "suggestion": "请改为“尾号 1234 的银行卡”。",
        "source": PRIVACY_SOURCE,
    },
    {
        "code": "collection_threat",
        "name": "催收威胁",
        "kind": "regex",
        "severity": "block",
        "channels": "collection,message",
        "pattern": (
            r"(通知|告诉|联系|找)(你|您)?的?(家人|父母|老婆|老公|孩子|单位|领导|同事|亲戚|朋友|通讯录)|"
            r"爆(你)?通讯录|曝光(你|您)|上门(找你|堵你|催收)|让你(坐牢|好看|后悔)|抓你|"
            r"(马上|立刻|明天)(就)?(起诉|报警|抓)"
        ),
        "message": "催收不得威胁、恐吓或向第三方披露债务：请说明逾期的后果和可选的办法。",
        "suggestion": (
            "逾期会按合同计收罚息并影响您的信用记录。如果有困难请告诉我，我们一起看看能怎么安排还款。"
        ),
        "source": COLLECTION_SOURCE,
    },
    {
        "code": "collection_insult",
        "name": "侮辱性用语",
        "kind": "phrase",
        "severity": "block",
        "channels": "collection,message",
        # not 滚 alone: 利滚利 and 滚动续贷 are words of the trade
        "pattern": "老赖\n骗子\n不要脸\n无赖\n废物\n滚蛋\n滚开\n给我滚\n死皮赖脸\n人渣",
        "negation_exempt": False,
        "message": "不得使用侮辱、贬低客户的用语。",
        "suggestion": "请用平和、尊重的语气说明情况和下一步安排。",
        "source": COLLECTION_SOURCE,
    },
]
