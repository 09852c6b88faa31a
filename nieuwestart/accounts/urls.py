from django.urls import path

from nieuwestart.accounts import views

app_name = "accounts"
urlpatterns = [
    path("inloggen", views.LoginView.as_view(), name="login"),
    path("uitloggen", views.logout_view, name="logout"),
    path("tweede-factor", views.second_factor, name="second_factor"),
    path("wachtwoord", views.password_change_view, name="password_change"),
]
