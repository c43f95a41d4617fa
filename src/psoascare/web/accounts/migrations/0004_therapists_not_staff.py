"""Therapists manage their content in the app: they stop being Django staff, and lose the admin permissions
they were given for it. /admin/ is for the people who run the site (superusers and staff made by hand)."""

from django.db import migrations

CONTENT_MODELS = (("lessons", "resource"), ("programs", "programmetemplate"), ("routines_web", "customexercise"))


def unstaff_therapists(apps, schema_editor):
    User = apps.get_model("auth", "User")
    Permission = apps.get_model("auth", "Permission")
    therapists = User.objects.filter(profile__role="therapist", is_superuser=False)
    permissions = Permission.objects.filter(
        content_type__app_label__in=[label for label, _ in CONTENT_MODELS],
        content_type__model__in=[model for _, model in CONTENT_MODELS],
    )
    for therapist in therapists.filter(is_staff=True):
        therapist.user_permissions.remove(*permissions)
    therapists.update(is_staff=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_session"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(unstaff_therapists, migrations.RunPython.noop)]
