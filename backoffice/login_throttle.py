"""Login throttling (django-axes) for the back-office login and /admin/login/: after AXES_FAILURE_LIMIT
wrong passwords for one username from one IP, even the right password is refused until the cool-off ends.

Both login pages pass the request to authenticate(), which axes needs to know the IP. Django's test
client logs in without a request: that one call is left to the next backend instead of failing."""

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
