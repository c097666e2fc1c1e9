"""CreditDesk settings, driven by the environment.

CREDITDESK_ENV selects the profile:
- ``development`` (default): the embedded SQLite database under ``var/``, a secret key generated into
  ``var/secret_key`` on first use, static files served from the source folders. DEBUG stays off unless
  CREDITDESK_DEBUG=1, so people see the same friendly error pages as in production.
- ``production``: SECRET_KEY must come from the environment (startup is refused without it), DEBUG is
  always off, cookies are Secure and HSTS is sent unless CREDITDESK_HTTPS=0.

DATABASE_URL (e.g. ``postgres://user:pass@127.0.0.1:5432/creditdesk``) selects PostgreSQL.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CREDITDESK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


CREDITDESK_ENV = os.environ.get("CREDITDESK_ENV", "development").strip().lower()
if CREDITDESK_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("CREDITDESK_ENV must be 'development' or 'production'")
PRODUCTION = CREDITDESK_ENV == "production"


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        if PRODUCTION and len(key) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production settings refuse to start without a SECRET_KEY from the "
            "environment (generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    # Development only: one random key per checkout, kept out of the repository.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

# --- Encryption at rest of sensitive personal information (PIPL art. 28; JR/T 0171-2020 C3) --------
# CREDITDESK_FIELD_KEYS = "k2:<base64 32 bytes>,k1:<…>": the first key encrypts, all listed keys decrypt
# (rotation: put the new key first, re-encrypt, then drop the old one).
# CREDITDESK_BLIND_INDEX_KEY: a separate base64 key (≥ 32 bytes) for the blind indexes.
CREDITDESK_FIELD_KEYS = os.environ.get("CREDITDESK_FIELD_KEYS", "").strip()
CREDITDESK_BLIND_INDEX_KEY = os.environ.get("CREDITDESK_BLIND_INDEX_KEY", "").strip()
if not (CREDITDESK_FIELD_KEYS and CREDITDESK_BLIND_INDEX_KEY):
    if PRODUCTION:
        raise ImproperlyConfigured(
            "CREDITDESK_FIELD_KEYS and CREDITDESK_BLIND_INDEX_KEY must be set "
            "in the environment in production"
        )
    from creditdesk.core.crypto import ensure_development_keys  # development and demo only: keys in var/

    CREDITDESK_FIELD_KEYS, CREDITDESK_BLIND_INDEX_KEY = ensure_development_keys(VAR_DIR)
DEBUG = False if PRODUCTION else env_bool("CREDITDESK_DEBUG", False)

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver"
    ).split(",")
    if h.strip()
]
if PRODUCTION and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "creditdesk.core",
    "creditdesk.accounts",
    "creditdesk.notifications",
    "creditdesk.compliance",
    "creditdesk.customers",
    "creditdesk.consents",
    "creditdesk.agenda",
    "creditdesk.rates",
    "creditdesk.products",
    "creditdesk.scoring",
    "creditdesk.solutions",
    "creditdesk.applications",
    "creditdesk.ledger",
    "creditdesk.loans",
    "creditdesk.marketing",
    "creditdesk.servicedesk",
    "creditdesk.replies",
    "creditdesk.workbench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "creditdesk.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "creditdesk.accounts.middleware.IdleSessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "creditdesk.core.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
_default_sqlite = VAR_DIR / "creditdesk.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{_default_sqlite}", conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE avoids lock-upgrade deadlocks.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login lockout (django-axes): 5 failures for one username lock it for 15 minutes. Locking by username
# rather than by IP, because a whole branch often sits behind one NAT address.
AXES_FAILURE_LIMIT = int(os.environ.get("CREDITDESK_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CREDITDESK_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "creditdesk.accounts.lockout.lockout_response"
AXES_VERBOSE = False

# Sessions: an idle session ends after CREDITDESK_IDLE_TIMEOUT_MINUTES (checked by our middleware);
# no session lives longer than one working day.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CREDITDESK_IDLE_TIMEOUT_MINUTES = int(os.environ.get("CREDITDESK_IDLE_TIMEOUT_MINUTES", "30"))

# API tokens expire: a leaked token is useful for a working day at most.
CREDITDESK_API_TOKEN_TTL_HOURS = int(os.environ.get("CREDITDESK_API_TOKEN_TTL_HOURS", "12"))
# How many sensitive values (ID, phone, income …) one person may see in clear in any rolling hour
# (customers.services.unmask: counted from the audit; the next one is refused with 429 `rate_limited`).
CREDITDESK_UNMASK_LIMIT = int(os.environ.get("CREDITDESK_UNMASK_LIMIT", "20"))

# --- Security headers -----------------------------------------------------------------------------
HTTPS = env_bool("CREDITDESK_HTTPS", PRODUCTION)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("CREDITDESK_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("CREDITDESK_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("CREDITDESK_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "creditdesk.core.views.errors.csrf_failure"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "creditdesk" / "locale"]
# Dates are YYYY-MM-DD on every page and in every language (config/formats/<locale>/formats.py): the
# locale formats win over the DATE_FORMAT settings, so they are set there.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing

# --- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous API call is answered 401 with WWW-Authenticate.
        "creditdesk.accounts.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "creditdesk.core.api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "creditdesk.core.api.schema.ApiAutoSchema",  # documents the error responses
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["creditdesk.core.api.parsers.DecimalJSONParser"],
    "EXCEPTION_HANDLER": "creditdesk.core.api.errors.api_exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CreditDesk API",
    "DESCRIPTION": (
        "信贷客户经理工作台 API. Authenticate with `POST /api/v1/auth/token/` then send "
        "`Authorization: Token <token>`. Every error has the shape `{code, message, details}`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # `<id:pk>` (creditdesk.core.api.ids): the ids the database holds, as the converter accepts them.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    # Choice sets that share a field name get explicit component names.
    "ENUM_NAME_OVERRIDES": {
        "TaskKindEnum": "creditdesk.agenda.choices.TaskKind",
        "ScheduledRepaymentMethodEnum": "creditdesk.rates.choices.SCHEDULED_METHOD_CHOICES",
        "LprTenorEnum": "creditdesk.rates.choices.LPR_TENOR_VALUES",
        "LprTenorRequestEnum": "creditdesk.rates.choices.LPR_TENOR_REQUEST_VALUES",
        "CustomerKindEnum": "creditdesk.customers.choices.CustomerKind",
        "CustomerChannelEnum": "creditdesk.customers.choices.Channel",
        "RelationshipKindEnum": "creditdesk.customers.choices.RelationshipKind",
        "ConsentKindEnum": "creditdesk.consents.choices.ConsentKind",
        "ConsentChannelEnum": "creditdesk.consents.choices.ConsentChannel",
        "ConsentPurposeEnum": "creditdesk.consents.choices.CONSENT_PURPOSE_CHOICES",
        "CreditInquiryPurposeEnum": "creditdesk.consents.choices.Purpose",
        "LoanPurposeEnum": "creditdesk.products.choices.LoanPurpose",
        "RuleStatusEnum": "creditdesk.products.choices.RuleStatus",
        "GradeEnum": "creditdesk.scoring.choices.Grade",
        "ScoreModelStatusEnum": "creditdesk.scoring.choices.ModelStatus",
        "TaskStatusEnum": "creditdesk.agenda.choices.TaskStatus",
        "QuoteKindEnum": "creditdesk.solutions.models.QuoteKind",
        "RepaymentMethodEnum": "creditdesk.rates.choices.RepaymentMethod",
        "ApplicationKindEnum": "creditdesk.applications.choices.ApplicationKind",
        "ApplicationStatusEnum": "creditdesk.applications.choices.ApplicationStatus",
        "IdentityResultEnum": "creditdesk.applications.models.identity.IdentityResult",
        "InterviewKindEnum": "creditdesk.applications.models.identity.InterviewKind",
        "CollateralKindEnum": "creditdesk.applications.models.collateral.CollateralKind",
        "LoanStatusEnum": "creditdesk.loans.choices.LoanStatus",
        "PaymentModeEnum": "creditdesk.loans.choices.PaymentMode",
        "LeadStageEnum": "creditdesk.marketing.choices.LeadStage",
        "LeadActivityKindEnum": "creditdesk.marketing.choices.ActivityKind",
        "LeadActivityOutcomeEnum": "creditdesk.marketing.choices.ActivityOutcome",
        "LeadActivityDirectionEnum": "creditdesk.marketing.choices.ActivityDirection",
        "LeadAssignMethodEnum": "creditdesk.marketing.choices.AssignMethod",
        "PartnerKindEnum": "creditdesk.marketing.choices.PartnerKind",
        "TerritoryKindEnum": "creditdesk.marketing.choices.TerritoryKind",
        "ReferrerKindEnum": "creditdesk.marketing.choices.ReferrerKind",
        "SurveyKindEnum": "creditdesk.marketing.choices.SurveyKind",
        "SurveyStatusEnum": "creditdesk.marketing.choices.SurveyStatus",
        "SurveyTriggerEnum": "creditdesk.marketing.choices.SurveyTrigger",
        "FeedbackKindEnum": "creditdesk.marketing.choices.FeedbackKind",
        "FeedbackStatusEnum": "creditdesk.marketing.choices.FeedbackStatus",
        "OfferCategoryEnum": "creditdesk.marketing.choices.OfferCategory",
        "CategoryEnum": "creditdesk.products.choices.Category",  # the products' name, kept beside the offers'
        "OfferOutcomeEnum": "creditdesk.marketing.choices.OfferOutcome",
        "OfferDecisionEnum": "creditdesk.marketing.api.offers.DECISIONS",  # the answer to an offer
        "CaseOutcomeEnum": "creditdesk.marketing.choices.CaseOutcome",
        "EducationTopicEnum": "creditdesk.marketing.choices.EducationTopic",
        "PlanStepKindEnum": "creditdesk.marketing.choices.PlanStepKind",
        # named once the leads' own outcome and direction enums joined them in the schema
        "DecisionOutcomeEnum": "creditdesk.applications.choices.DecisionOutcome",
        "RelationshipDirectionEnum": ["outgoing", "incoming"],  # customers.api: a relationship's direction
        "ServiceRequestKindEnum": "creditdesk.servicedesk.choices.RequestKind",
        "ServiceRequestChannelEnum": "creditdesk.servicedesk.choices.RequestChannel",
        "ServiceRequestStatusEnum": "creditdesk.servicedesk.choices.RequestStatus",
        "ServiceRequestUrgencyEnum": "creditdesk.servicedesk.choices.Urgency",
        "ServiceRequestComplexityEnum": "creditdesk.servicedesk.choices.Complexity",
        "ServiceRequestTierEnum": "creditdesk.servicedesk.choices.Tier",
    },
    # The schema and its docs describe internal interfaces: signed-in staff and API clients only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint (the proposal PDF) logs every layout step and font subset at INFO
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- CreditDesk -----------------------------------------------------------------------------------
CREDITDESK_INSTITUTION_NAME = os.environ.get("CREDITDESK_INSTITUTION_NAME", "示范商业银行")
# The bank's customer service hotline, printed on proposals as the first place to complain (then 12378).
CREDITDESK_INSTITUTION_HOTLINE = os.environ.get("CREDITDESK_INSTITUTION_HOTLINE", "400-000-0000")
CREDITDESK_TRUST_X_FORWARDED_FOR = env_bool("CREDITDESK_TRUST_X_FORWARDED_FOR", False)
# The calculator refuses rates above this ceiling (percent) and terms longer than this (months).
CREDITDESK_MAX_ANNUAL_RATE_PERCENT = os.environ.get("CREDITDESK_MAX_ANNUAL_RATE_PERCENT", "36")
CREDITDESK_MAX_TERM_MONTHS = int(os.environ.get("CREDITDESK_MAX_TERM_MONTHS", "600"))
# Seeders run in this order by `creditdesk seed`; later apps append theirs.
CREDITDESK_SEEDERS = [
    "creditdesk.accounts.seed",
    "creditdesk.customers.seed",
    "creditdesk.consents.seed",
    "creditdesk.products.seed",
    "creditdesk.scoring.seed",
    "creditdesk.applications.seed",
    "creditdesk.loans.seed",
    "creditdesk.marketing.seed",
    "creditdesk.replies.seed",
    "creditdesk.servicedesk.seed",
]
# A customer manager's daily quota of new leads when the team lead has set none (marketing.LeadCapacity).
CREDITDESK_LEAD_DAILY_QUOTA = int(os.environ.get("CREDITDESK_LEAD_DAILY_QUOTA", "20"))
# The demo loan history (``creditdesk.loans.seed_history``): how many loans, booked over how many months
# before today and serviced day by day by the real end-of-day batch.
CREDITDESK_DEMO_LOANS = int(os.environ.get("CREDITDESK_DEMO_LOANS", "5000"))
CREDITDESK_DEMO_HISTORY_MONTHS = int(os.environ.get("CREDITDESK_DEMO_HISTORY_MONTHS", "12"))

# axes.W006 warns that rotating user agents bypasses lockout when locking by user agent or cookie; we
# lock by username only (see AXES_LOCKOUT_PARAMETERS), which rotation does not bypass.
# security.W021 asks for HSTS preload; bank intranet host names cannot be on browsers' public preload list.
# models.W040: on SQLite an index's INCLUDE columns are left out — the ledger's covering index
# (``ledger_line_loan_account``) is a PostgreSQL speed-up; SQLite keeps the plain index, as intended.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "security.W021", "models.W040"]
