"""`parse_docstring`: summaries and parameter descriptions from Google, Sphinx and NumPy styles."""

from __future__ import annotations

import pytest

from structagents._docstring import DocstringInfo, parse_docstring

# --- no docstring, description only ---------------------------------------------------------


@pytest.mark.parametrize("doc", [None, ""])
def test_missing_docstring_gives_nothing(doc: str | None) -> None:
    info = parse_docstring(doc)
    assert info == DocstringInfo(description=None, params={})


def test_whitespace_only_docstring_has_no_description() -> None:
    assert parse_docstring("   \n\n   ") == DocstringInfo(description=None, params={})


def test_one_line_docstring_is_the_description() -> None:
    assert parse_docstring("Add two numbers.") == DocstringInfo("Add two numbers.", {})


def test_description_keeps_every_paragraph_and_is_dedented() -> None:
    def func() -> None:
        """Fetch the weather.

        Looks the city up first, then asks the forecast service.
        Results are cached for a minute.
        """

    info = parse_docstring(func.__doc__)
    assert info.description == (
        "Fetch the weather.\n\n"
        "Looks the city up first, then asks the forecast service.\n"
        "Results are cached for a minute."
    )
    assert info.params == {}


def test_description_is_stripped_of_surrounding_blank_lines() -> None:
    info = parse_docstring("\n\n   Summary here.   \n\n\n")
    assert info.description == "Summary here."


def test_inline_label_with_text_after_the_colon_stays_in_the_description() -> None:
    info = parse_docstring("Summary.\nNote: results are cached.\nMore text.")
    assert info.description == "Summary.\nNote: results are cached.\nMore text."
    assert info.params == {}


# --- Google style ----------------------------------------------------------------------------


def test_google_args_are_read_and_kept_out_of_the_description() -> None:
    def func(city: str, days: int) -> str:
        """Plan a trip.

        Args:
            city: Where to go.
            days: How long to stay.
        """
        return ""

    info = parse_docstring(func.__doc__)
    assert info.description == "Plan a trip."
    assert info.params == {"city": "Where to go.", "days": "How long to stay."}


def test_google_types_in_parentheses_and_star_args() -> None:
    doc = """Summary.

    Args:
        mapping (dict[str, int]): Counts by name.
        flag (bool, optional): Whether to shout.
        *args: Extra positional values.
        **kwargs: Extra keyword values.
    """
    info = parse_docstring(doc)
    assert info.params == {
        "mapping": "Counts by name.",
        "flag": "Whether to shout.",
        "args": "Extra positional values.",
        "kwargs": "Extra keyword values.",
    }


def test_google_multi_line_param_description_is_joined() -> None:
    doc = """Summary.

    Args:
        query: The text to search for. It may contain
            several words, and even a colon: like this.
        limit: At most this many results.
    """
    info = parse_docstring(doc)
    assert info.params == {
        "query": (
            "The text to search for. It may contain several words, and even a colon: like this."
        ),
        "limit": "At most this many results.",
    }
    assert info.description == "Summary."


def test_google_blank_lines_between_params_are_allowed() -> None:
    doc = """Summary.

    Args:
        a: First.

        b: Second.
    """
    assert parse_docstring(doc).params == {"a": "First.", "b": "Second."}


@pytest.mark.parametrize("header", ["Args:", "Arguments:", "Parameters:", "Params:"])
def test_google_section_header_aliases(header: str) -> None:
    doc = f"""Summary.

    {header}
        x: The x.
    """
    info = parse_docstring(doc)
    assert info.params == {"x": "The x."}
    assert info.description == "Summary."


def test_google_returns_raises_and_examples_do_not_leak() -> None:
    doc = """Divide two numbers.

    Args:
        a: The dividend.
        b: The divisor.

    Returns:
        result: The quotient.

    Raises:
        ZeroDivisionError: When b is zero.

    Examples:
        >>> divide(4, 2)
        2.0
    """
    info = parse_docstring(doc)
    assert info.description == "Divide two numbers."
    assert info.params == {"a": "The dividend.", "b": "The divisor."}


def test_google_returns_before_args() -> None:
    doc = """Summary.

    Returns:
        value: Something.

    Args:
        a: The a.
    """
    info = parse_docstring(doc)
    assert info.description == "Summary."
    assert info.params == {"a": "The a."}


def test_google_text_after_a_section_returns_to_the_description() -> None:
    doc = """Summary.

    Args:
        a: The a.

    Closing remark.
    """
    info = parse_docstring(doc)
    assert info.params == {"a": "The a."}
    assert info.description is not None
    assert info.description.startswith("Summary.")
    assert info.description.endswith("Closing remark.")
    assert "a:" not in info.description


def test_google_args_without_a_summary() -> None:
    doc = """
    Args:
        a: The a.
    """
    assert parse_docstring(doc) == DocstringInfo(description=None, params={"a": "The a."})


def test_google_returns_section_without_a_summary_does_not_become_the_description() -> None:
    doc = """
    Args:
        a: The a.

    Returns:
        The sum.
    """
    info = parse_docstring(doc)
    assert info.params == {"a": "The a."}
    assert info.description is None


# --- Sphinx style ----------------------------------------------------------------------------


def test_sphinx_params_types_and_other_fields() -> None:
    doc = """Send an email.

    :param to: Recipient address.
    :type to: str
    :param str subject: Subject line.
    :returns: The message id.
    :rtype: str
    :raises ValueError: When the address is invalid.
    """
    info = parse_docstring(doc)
    assert info.description == "Send an email."
    assert info.params == {"to": "Recipient address.", "subject": "Subject line."}


def test_sphinx_multi_line_param_description_is_joined() -> None:
    doc = """Summary.

    :param body: The message body, which may
        span several lines.
    :param cc: Copy recipients.
    """
    info = parse_docstring(doc)
    assert info.params == {
        "body": "The message body, which may span several lines.",
        "cc": "Copy recipients.",
    }
    assert info.description == "Summary."


SPHINX_MULTI_LINE_RETURNS = """Summary.

    :param a: The a.
    :returns: The result,
        on two lines.
    """


def test_sphinx_continuation_of_another_field_is_not_attached_to_a_param() -> None:
    assert parse_docstring(SPHINX_MULTI_LINE_RETURNS).params == {"a": "The a."}


def test_sphinx_multi_line_returns_field_does_not_leak_into_the_description() -> None:
    assert parse_docstring(SPHINX_MULTI_LINE_RETURNS).description == "Summary."


def test_sphinx_without_a_summary() -> None:
    assert parse_docstring(":param a: The a.") == DocstringInfo(None, {"a": "The a."})


# --- NumPy style -----------------------------------------------------------------------------


def test_numpy_parameters_with_and_without_types() -> None:
    doc = """Resize an image.

    Parameters
    ----------
    width : int
        New width in pixels.
    height
        New height in pixels,
        keeping the aspect ratio.

    Returns
    -------
    Image
        The resized image.

    Raises
    ------
    ValueError
        When a size is negative.
    """
    info = parse_docstring(doc)
    assert info.description == "Resize an image."
    assert info.params == {
        "width": "New width in pixels.",
        "height": "New height in pixels, keeping the aspect ratio.",
    }


def test_numpy_sections_before_parameters_do_not_leak() -> None:
    doc = """Summary.

    Notes
    -----
    Some notes that are not a description.

    Parameters
    ----------
    x : float
        The x.
    """
    info = parse_docstring(doc)
    assert info.description == "Summary."
    assert info.params == {"x": "The x."}


def test_numpy_returns_only_does_not_produce_params() -> None:
    doc = """Summary.

    Returns
    -------
    result : int
        The answer.
    """
    info = parse_docstring(doc)
    assert info.description == "Summary."
    assert info.params == {}


def test_numpy_param_without_description_is_empty_string() -> None:
    doc = """Summary.

    Parameters
    ----------
    flag : bool
    """
    assert parse_docstring(doc).params == {"flag": ""}


def test_numpy_star_args_and_kwargs() -> None:
    doc = """Summary.

    Parameters
    ----------
    *args : int
        Extra positional values.
    **kwargs : str
        Extra keyword values.
    """
    assert parse_docstring(doc).params == {
        "args": "Extra positional values.",
        "kwargs": "Extra keyword values.",
    }


def test_numpy_combined_parameter_names_share_a_description() -> None:
    doc = """Summary.

    Parameters
    ----------
    x1, x2 : float
        The coordinates.
    """
    assert parse_docstring(doc).params == {"x1": "The coordinates.", "x2": "The coordinates."}
