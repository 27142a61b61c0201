"""The spawn form, rendered from the gateway's notebookProfiles, and the reading of its answers.

Plain HTML inside JupyterHub's own <form>: one radio button per profile and, under each, the fields that
profile lets the user change, with their bounds as attributes, so it works without JavaScript. A field
is named "<profile>.<option>" so each profile keeps its own values; only the chosen profile's are read.
Every text that comes from the site configuration is escaped.
"""

from html import escape

# Browser-side hints only; the gateway validates every value.
PATTERNS = {
    "memory": r"[0-9]+[KMGTkmgt]?",
    "duration": r"[0-9]+(-[0-9]{1,2}(:[0-9]{1,2}){0,2})?|[0-9]+(:[0-9]{1,2}){1,2}",
}


def _attrs(**attrs):
    """HTML attributes, escaped; data_min -> data-min, for_id -> for; None leaves the attribute out."""
    names = {"for_id": "for"}
    return "".join(
        f' {names.get(name, name.replace("_", "-"))}="{escape(str(value), quote=True)}"'
        for name, value in attrs.items()
        if value is not None
    )


def _summary(profile):
    gpus = f", {profile['gpus']} GPU" if profile.get("gpus") else ""
    image = f", image {profile['image']}" if profile.get("image") else ""
    return (
        f"partition {profile['partition']}: {profile['cpus']} CPU, {profile['memory']} memory{gpus}, "
        f"up to {profile['maxTime']}{image}"
    )


def _bounds(option):
    if option.get("choices"):
        return None
    low, high = option.get("min"), option.get("max")
    if low is not None and high is not None:
        return f"{low} to {high}"
    if low is not None:
        return f"at least {low}"
    if high is not None:
        return f"at most {high}"
    return None


def _field(profile_name, option):
    field_id = f"hpcg-{profile_name}-{option['name']}"
    name = f"{profile_name}.{option['name']}"
    bounds = _bounds(option)
    label = option.get("label") or option["name"]
    text = escape(label) + (f" <small>({escape(bounds)})</small>" if bounds else "")
    if option.get("choices"):
        choices = "".join(
            f"<option{_attrs(value=c)}{' selected' if c == option.get('default') else ''}>{escape(c)}</option>"
            for c in option["choices"]
        )
        control = f'<select class="form-control"{_attrs(id=field_id, name=name)}>{choices}</select>'
    elif option.get("kind") == "integer":
        control = f'<input class="form-control" type="number" step="1"{_attrs(id=field_id, name=name, value=option.get("default"), min=option.get("min"), max=option.get("max"))}>'
    else:
        # memory ("4G") and durations ("2:00:00") are text: their bounds go in data- attributes.
        control = f'<input class="form-control" type="text"{_attrs(id=field_id, name=name, value=option.get("default"), pattern=PATTERNS.get(option.get("kind")), data_min=option.get("min"), data_max=option.get("max"))}>'
    return f'<div class="form-group"><label{_attrs(for_id=field_id)}>{text}</label>{control}</div>'


def render_options_form(profiles, selected=None):
    """HTML for the profiles; `selected` (a profile name) is checked, else the first one."""
    names = [p["name"] for p in profiles]
    chosen = selected if selected in names else (names[0] if names else None)
    parts = ['<div class="hpcg-profiles">']
    for profile in profiles:
        checked = " checked" if profile["name"] == chosen else ""
        description = profile.get("description") or ""
        parts.append(
            '<fieldset class="hpcg-profile" style="margin-bottom:1em">'
            f'<legend style="font-size:1.1em"><label><input type="radio" name="profile"{_attrs(value=profile["name"])}{checked}> '
            f"<strong>{escape(profile['name'])}</strong>"
            + (f" &mdash; {escape(description)}" if description else "")
            + "</label></legend>"
            f'<p class="help-block">{escape(_summary(profile))}</p>'
        )
        parts.extend(_field(profile["name"], option) for option in profile.get("options") or [])
        parts.append("</fieldset>")
    parts.append("</div>")
    return "".join(parts)


def _first(values):
    """Form data arrive as lists of strings (query arguments too); one value per field is expected."""
    if isinstance(values, (list, tuple)):
        values = values[0] if values else ""
    return values.strip() if isinstance(values, str) else values


def read_form(form_data):
    """(profile, options) from the submitted form: the chosen profile's non-empty fields, as strings."""
    profile = _first(form_data.get("profile", ""))
    if not profile:
        raise ValueError("Choose a notebook profile (form field 'profile').")
    prefix = f"{profile}."
    options = {}
    for key, values in form_data.items():
        if key.startswith(prefix):
            value = _first(values)
            if value not in ("", None):
                options[key[len(prefix):]] = value
    return profile, options
