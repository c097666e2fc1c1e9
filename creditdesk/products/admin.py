"""The product library in the admin: read-only. Products and versions change only through the services
(the library pages and the API), which validate every definition and keep old versions unchanged."""

from django.contrib import admin

from creditdesk.core.admin import ReadOnlyAdmin
from creditdesk.products.models import Product, ProductVersion


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "category", "is_active", "current_version", "updated_at"]
    list_filter = ["category", "is_active"]
    search_fields = ["code", "name"]


@admin.register(ProductVersion)
class ProductVersionAdmin(ReadOnlyAdmin):
    list_display = ["product", "number", "note", "created_by", "created_at"]
    list_select_related = ["product", "created_by"]
