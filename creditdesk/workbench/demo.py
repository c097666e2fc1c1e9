"""The text `creditdesk demo` prints: where to open the app and how to log in."""

from __future__ import annotations

from creditdesk.accounts.seed import demo_logins, demo_password


def demo_banner(port: int) -> str:
    lines = [
        "",
        f"CreditDesk 已启动： http://127.0.0.1:{port}/",
        f"演示账号（密码均为 {demo_password()}，可用 CREDITDESK_DEMO_PASSWORD 修改）：",
    ]
    lines += [f"  {username:<10} {role}" for username, role in demo_logins()]
    lines += [f"API 文档： http://127.0.0.1:{port}/api/docs/", "按 Ctrl+C 停止。", ""]
    return "\n".join(lines)
