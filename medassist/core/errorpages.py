"""Plain error pages: a person sees a sentence, never a traceback."""

from django.shortcuts import render


def not_found(request, exception=None):
    return render(
        request,
        "core/error.html",
        {"title": "Not found", "message": "There is no such page or record here."},
        status=404,
    )


def forbidden(request, exception=None):
    return render(
        request,
        "core/error.html",
        {"title": "Not allowed", "message": "Your role does not allow this."},
        status=403,
    )


def server_error(request):
    return render(
        request,
        "core/error.html",
        {
            "title": "Something went wrong",
            "message": "The error was logged. Nothing was half-saved; please try again.",
        },
        status=500,
    )
