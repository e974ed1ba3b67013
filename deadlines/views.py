from django.shortcuts import render

from .forms import CalculatorForm


def calculator(request):
    """Public: anyone picks a rule, a start date and the variants and sees the due date. Works without JS."""
    form = CalculatorForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        result = form.calculate()
    return render(request, "deadlines/calculator.html", {"form": form, "result": result})
