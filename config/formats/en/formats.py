"""English pages show dates as the Chinese ones do: YYYY-MM-DD (see zh_Hans)."""

from config.formats.zh_Hans.formats import *  # noqa: F403
