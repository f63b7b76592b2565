from __future__ import annotations

import hashlib
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.permissions import Role
from caminantes.geo.models import AdminArea, Country
from caminantes.lib.models import PublicIdModel, TimestampedModel

if TYPE_CHECKING:
    from django.db.models import QuerySet


class Organization(PublicIdModel):
    class Type(models.TextChoices):
        UN_AGENCY = "un_agency", _("UN agency")
        INTERNATIONAL_NGO = "international_ngo", _("International NGO")
        NATIONAL_NGO = "national_ngo", _("National NGO")
        GOVERNMENT = "government", _("Government")
        COMMUNITY = "community", _("Community organisation")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, unique=True)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    countries = models.ManyToManyField(
        Country, related_name="organizations", verbose_name=_("countries"), blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.acronym


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        # Django's superuser flag is not used for access: roles decide. Kept for the CLI.
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", False)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class User(PublicIdModel, AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=[("es", "Español"), ("pt", "Português"), ("en", "English")],
        default="es",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)
    is_demo = models.BooleanField(
        _("demo user"),
        default=False,
        help_text=_("Demo users skip two-factor only while CAMINANTES_DEMO=1 (and DEBUG)."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def active_memberships(self) -> QuerySet[Membership]:
        return Membership.objects.active().filter(user=self, organization__is_active=True)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, on: date | None = None) -> MembershipQuerySet:
        on = on or timezone.localdate()
        return self.filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=on)).filter(
            starts_on__lte=on
        )


class Membership(TimestampedModel):
    """A user's role in an organisation, for some countries (and optionally some areas).

    No countries means every country the organisation works in. Ended memberships grant
    nothing; they are kept, never deleted, so the audit trail can still name the role.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    countries = models.ManyToManyField(Country, blank=True, verbose_name=_("countries"))
    areas = models.ManyToManyField(AdminArea, blank=True, verbose_name=_("admin areas"))
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__acronym", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="accounts_membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)


class ApiToken(TimestampedModel):
    """A personal API token. Only a SHA-256 of the secret is stored; it is shown once."""

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Write")
        EXPORT = "export", _("Export")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def scope_labels(self) -> list[str]:
        return [str(self.Scope(s).label) for s in self.scopes if s in self.Scope.values]

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
