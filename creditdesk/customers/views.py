"""客户管理 pages: search and list, new customer, the customer 360 page, unmasking with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creditdesk.accounts import scope
from creditdesk.core.exceptions import DomainError, NotAllowed, NotFound
from creditdesk.core.htmx import is_htmx
from creditdesk.core.paging import paginate
from creditdesk.customers import selectors, services
from creditdesk.customers.forms import CustomerForm, UnmaskForm
from creditdesk.customers.identity import mask_id, mask_phone


@login_required
@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()
    customers = (
        selectors.customer_search(user=request.user, query=query)
        if query
        else selectors.customer_list_visible_to(user=request.user).order_by("-updated_at", "-id")
    )
    page = paginate(request, customers)
    context = {"page": page, "q": query, "query_string": f"q={query}" if query else ""}
    template = "customers/_results.html" if is_htmx(request) else "customers/customer_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def customer_create(request: HttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(actor=request.user, data=form.customer_input())
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            field = exc.extra.get("field")
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已建档：%(name)s") % {"name": customer.name})
            return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form})


@login_required
@require_GET
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    """客户 360: the profile (masked), and the sections later capabilities fill."""
    customer = selectors.customer_get_visible(user=request.user, customer_id=customer_id)
    context = {
        "customer": customer,
        "masked_id": mask_id(customer.id_number) if customer.id_number else "",
        "masked_phone": mask_phone(customer.phone) if customer.phone else "",
        "can_unmask": request.user.has_perm("customers.unmask_customer"),
        "can_change": scope.can_change(request.user, customer),
    }
    return render(request, "customers/customer_detail.html", context)


@login_required
@require_POST
def customer_unmask(request: HttpRequest, customer_id: int) -> HttpResponse:
    form = UnmaskForm(request.POST)
    if not form.is_valid():
        return render(request, "customers/_unmask_result.html", {"error": _("请填写查看理由。")}, status=400)
    try:
        value = services.customer_unmask(
            actor=request.user,
            customer_id=customer_id,
            field=form.cleaned_data["field"],
            reason=form.cleaned_data["reason"],
        )
    except NotFound as exc:
        raise Http404 from exc
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        return render(request, "customers/_unmask_result.html", {"error": exc.message}, status=400)
    return render(request, "customers/_unmask_result.html", {"value": value})
