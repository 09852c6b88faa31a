from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "nieuwestart.referrals"
    label = "referrals"
