"""The card rail's action in the donations back office: refund through the processor.

Donations' admin knows no rail, so the rail extends it: the Donation admin registered by
donations is replaced by the same admin plus this action (the page, its other actions and
who may use them are unchanged).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from solidarity.core.errors import DomainError
from solidarity.donations.admin import DonationAdmin
from solidarity.donations.models import Channel, Donation, DonationStatus
from solidarity.payments.refunds import request_refund
from solidarity.staff.roles import Role, require_role


class DonationWithRefundAdmin(DonationAdmin):
    actions = [*DonationAdmin.actions, "refund_by_card"]

    @admin.action(description="Refund the selected card donations in full (through the card processor)")
    def refund_by_card(self, request: HttpRequest, queryset: QuerySet[Donation]) -> None:
        # The refund is booked when the processor's charge.refunded event arrives.
        for donation in queryset:
            try:
                require_role(request.user, Role.FINANCE)
                if donation.channel != Channel.CARD or donation.status != DonationStatus.PAID:
                    raise DomainError("only a paid card donation can be refunded this way")
                refund_id = request_refund(donation=donation, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"Donation #{donation.pk}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"Donation #{donation.pk}: refund {refund_id} requested.", messages.SUCCESS)


if admin.site.is_registered(Donation):
    admin.site.unregister(Donation)
admin.site.register(Donation, DonationWithRefundAdmin)
