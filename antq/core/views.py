from django.http import HttpResponse


def home(request):  # type: ignore[no-untyped-def]
    return HttpResponse("ok")
