from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """The Django admin, served by our site that demands a second factor."""

    default_site = "solidarity.staff.admin_site.StaffAdminSite"
