from django import template

from agreements import links

register = template.Library()


@register.simple_tag(takes_context=True)
def pdf_url(context, sla_id: int, number: int) -> str:
    """The signed PDF's download address for the person viewing the page."""
    return links.download_url(context["request"].user, sla_id, number)
