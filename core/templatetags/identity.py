"""Masks for identity fields in templates: {% load identity %} {{ p.petitioner.full_name|mask_name }}."""

from django import template

from core import masking

register = template.Library()

register.filter("mask_name", masking.mask_name)
register.filter("mask_digits", masking.mask_digits)
register.filter("mask_email", masking.mask_email)
register.filter("mask_address", masking.mask_address)
