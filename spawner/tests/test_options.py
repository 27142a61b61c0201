"""Unit tests of the client: the spawn form from notebookProfiles, and options_from_form."""

import re
from html.parser import HTMLParser

import pytest
from tornado import web

from fake_gateway import FakeGateway, closed_port_url
from helpers import make_spawner, run


class Inputs(HTMLParser):
    """Every form control's attributes, and the page text."""

    def __init__(self, html):
        super().__init__()
        self.controls, self.text = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("input", "select", "option"):
            self.controls.append({"tag": tag, **dict(attrs)})

    def handle_data(self, data):
        self.text.append(data)


def render(**gateway_settings):
    async def scenario():
        async with FakeGateway() as gw:
            for key, value in gateway_settings.items():
                setattr(gw, key, value)
            spawner = make_spawner(gw.url)
            return await spawner.get_options_form()  # what JupyterHub calls
    return run(scenario())


def test_the_form_offers_each_profile_with_the_bounds_of_what_the_user_may_change():
    html = render()
    page = Inputs(html)
    radios = [c for c in page.controls if c.get("type") == "radio"]
    assert [(r["name"], r["value"], "checked" in r) for r in radios] == [("profile", "small", True), ("profile", "gpu", False)]
    cpus = next(c for c in page.controls if c.get("name") == "small.cpus")
    assert (cpus["type"], cpus["min"], cpus["max"], cpus["value"]) == ("number", "1", "4", "1")
    memory = next(c for c in page.controls if c.get("name") == "small.memory")
    assert (memory["type"], memory["data-min"], memory["data-max"], memory["value"]) == ("text", "1G", "8G", "2G")
    assert re.fullmatch(memory["pattern"], "16G") and not re.fullmatch(memory["pattern"], "lots")
    options = [c for c in page.controls if c["tag"] == "option"]
    assert [(o["value"], "selected" in o) for o in options] == [
        ("jupyter/base-notebook", True), ("jupyter/scipy-notebook", False),
    ]
    assert "CPUs (1 to 4)" in "".join(page.text)
    assert "<script" not in html and "<form" not in html  # JupyterHub provides the form; no JavaScript


def test_the_form_escapes_what_the_site_configured():
    profiles = [{
        "name": "x", "description": '<script>alert("hi")</script> & more', "partition": "p<b>", "cpus": 1,
        "memory": "1G", "gpus": 0, "maxTime": "1:00:00", "image": None,
        "options": [{"name": "image", "label": "Image <i>", "kind": "choice", "default": 'a"b', "min": None,
                     "max": None, "choices": ['a"b', "<img src=x onerror=alert(1)>"]}],
    }]
    html = render(profiles=profiles)
    assert "<script>" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; &amp; more" in html
    page = Inputs(html)
    assert [o["value"] for o in page.controls if o["tag"] == "option"] == ['a"b', "<img src=x onerror=alert(1)>"]


def test_no_form_when_there_is_nothing_to_choose():
    only = [dict(p, options=[]) for p in FakeGateway().profiles[:1]]
    assert render(profiles=only) == ""


def test_no_profile_for_the_user_is_said_plainly():
    with pytest.raises(web.HTTPError) as refused:
        render(profiles=[])
    assert refused.value.status_code == 403
    assert "No notebook profile is open to user alice" in refused.value.log_message


def test_an_unreachable_gateway_is_a_503_not_an_empty_form():
    async def scenario():
        return await make_spawner(closed_port_url()).get_options_form()
    with pytest.raises(web.HTTPError) as unavailable:
        run(scenario())
    assert unavailable.value.status_code == 503


def from_form(form_data):
    async def scenario():
        async with FakeGateway() as gw:
            spawner = make_spawner(gw.url)
            return await spawner.run_options_from_form(form_data), gw.operations("ValidateNotebookOptions")
    return run(scenario())


def test_options_from_form_takes_the_chosen_profiles_fields_and_returns_normalized_options():
    options, validations = from_form({
        "profile": ["small"], "small.cpus": ["2"], "small.memory": [" 4G "], "small.image": [""],
        "gpu.cpus": ["99"],  # another profile's field: not sent
    })
    assert validations == [{"profile": "small", "options": {"cpus": "2", "memory": "4G"}}]
    assert options == {"profile": "small", "options": {
        "cpus": 2, "memory": "4G", "gpus": 0, "time": "8:00:00", "image": None,
    }}


def test_options_from_form_raises_the_gateways_explanation_for_a_bad_value():
    with pytest.raises(ValueError) as bad:
        from_form({"profile": ["small"], "small.cpus": ["9"]})
    assert str(bad.value) == "cpus: 9 is out of bounds"
    with pytest.raises(ValueError) as unknown:
        from_form({"profile": ["gpu"], "gpu.cpus": ["2"]})
    assert str(unknown.value) == "option cpus cannot be changed in profile gpu"


def test_options_from_form_needs_a_profile():
    with pytest.raises(ValueError) as missing:
        from_form({"small.cpus": ["2"]})
    assert "Choose a notebook profile" in str(missing.value)
