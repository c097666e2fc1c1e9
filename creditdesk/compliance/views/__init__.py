"""The compliance pages: ``check`` (the checker anyone uses, and the preview other apps' send forms call),
``rules`` (the rules, kept by risk managers and administrators) and ``log`` (拦截记录, reviewed by team
leads, branch heads and risk managers in their scope)."""
