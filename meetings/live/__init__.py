"""Live meeting screens: every open meeting page follows the meeting as it happens.

The modules point one way: ``views`` (the stream) and ``status`` (for the meeting
page) use ``hub`` (the in-process fan-out), which owns a broker from ``brokers``
(how a committed event reaches every process); both use ``rendering`` (what the
screens read and render). ``brokers`` knows the hub only through the ``HubSide``
interface it defines.
"""
