"""The call display's spoken announcement (issue 15): "Nummer A 17, bitte zu Schalter 4." in
German, then English and Turkish where configured, after a gong.

Synthesised on the server with espeak-ng (a Debian package): no cloud service ever hears
who is called where, and the display needs no speech engine of its own. Every phrase is
cached as one WAV file, so a number called again (the same ticket, or the same number on
another day) costs a file read, not a synthesis.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import wave
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings

from .gong import chime_pcm

# Part of every cache key: bump it when the audio for the same text changes (voices, rate,
# pauses, the gong), so old files are never served for the new format.
FORMAT_VERSION = 1
# Words per minute; espeak's default (175) is hurried for a waiting room.
WORDS_PER_MINUTE = 150
TIMEOUT_SECONDS = 15
# espeak-ng's voices speak at 22050 Hz and it has no option to choose. The gong-only file uses
# this rate; an announcement takes the rate espeak actually wrote and refuses parts at different
# rates, so nothing is ever played at a wrong pitch and nothing needs resampling.
SAMPLE_RATE = 22050
PAUSE_AFTER_GONG = 0.25
# espeak ends every sentence with about 0.4 s of silence of its own; this comes on top.
PAUSE_BETWEEN_LANGUAGES = 0.3

VOICES = {"de": "de", "en": "en-gb", "tr": "tr"}

# Not gettext: one announcement speaks every configured language, whatever the language of
# the request that triggers it, and the wording is tied to what espeak pronounces well.
TEMPLATES = {
    "de": "Nummer {number}, bitte zu {counter}.",
    "en": "Number {number}, please go to {counter}.",
    # "Sıra numarası" (queue number) keeps the sentence whole; the counter carries the
    # dative ("gişeye", to the counter) because "gelin" (please come) asks where to.
    "tr": "Sıra numarası {number}, lütfen {counter} gelin.",
}

# German counter words as the offices name them, per language; Turkish already in the
# dative the template needs (vowel harmony decides -ye/-ya/-e/-a, so it is spelt out).
COUNTER_WORDS = {
    "schalter": {"de": "Schalter", "en": "counter", "tr": "gişeye"},
    "platz": {"de": "Platz", "en": "desk", "tr": "masaya"},
    "tisch": {"de": "Tisch", "en": "desk", "tr": "masaya"},
    "zimmer": {"de": "Zimmer", "en": "room", "tr": "odaya"},
    "raum": {"de": "Raum", "en": "room", "tr": "odaya"},
    "büro": {"de": "Büro", "en": "office", "tr": "büroya"},
}

_TICKET = re.compile(r"\s*(?P<letters>[A-Za-z]*)[\s-]*(?P<digits>\d+)\s*")
_COUNTER = re.compile(r"(?:(?P<word>[^\W\d_]+)\.?\s*)?(?:Nr\.?\s*)?(?P<digits>\d+)", re.IGNORECASE)


class SpeechUnavailable(RuntimeError):
    """espeak-ng is missing or failed: the display plays the gong alone (``gong_audio``)
    and shows the number, so a broken speech engine never stops the call."""


def announcement_text(number: str, counter: str | int, language: str) -> str:
    """The sentence as a person reads it, e.g. "Nummer A 17, bitte zu Schalter 4."; pure,
    so what is said can be tested without audio."""
    return _phrase(number, counter, _language(language), speakable=False)


def announcement_key(
    number: str, counter: str | int, languages: Sequence[str], *, gong: bool = True
) -> str:
    """The cache key of an announcement (hex SHA-256): the exact espeak input per language,
    the voices, the rate and the format version. Equal phrases share it ("A 017" and "A17"),
    so a view can use it as an ETag or URL without synthesising anything."""
    parts = [
        [language, VOICES[language], _phrase(number, counter, language, speakable=True)]
        for language in _languages(languages)
    ]
    payload = {
        "format": FORMAT_VERSION,
        "wpm": WORDS_PER_MINUTE,
        "gong": gong,
        "parts": parts,
    }
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()


def announcement_audio(
    number: str, counter: str | int, languages: Sequence[str] = ("de",), *, gong: bool = True
) -> Path:
    """One mono 16-bit WAV: the gong (unless ``gong=False``), then the sentence in each
    language in the order given, with a short silence between. Returns the cached file;
    its stem is ``announcement_key``. Raises ``SpeechUnavailable`` when espeak-ng is
    missing or fails, ``ValueError`` for a ticket number or language it cannot say."""
    languages = _languages(languages)
    path = cache_dir() / f"{announcement_key(number, counter, languages, gong=gong)}.wav"
    if path.is_file():
        return path
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise SpeechUnavailable("espeak-ng is not installed (Debian package espeak-ng)")
    spoken = [
        _synthesize(espeak, VOICES[language], _phrase(number, counter, language, speakable=True))
        for language in languages
    ]
    rates = {rate for rate, _pcm in spoken}
    if len(rates) != 1:
        raise SpeechUnavailable(f"espeak-ng spoke at different sample rates: {sorted(rates)}")
    rate = rates.pop()
    between = _silence(rate, PAUSE_BETWEEN_LANGUAGES)
    pcm = between.join(pcm for _rate, pcm in spoken)
    if gong:
        pcm = chime_pcm(rate) + _silence(rate, PAUSE_AFTER_GONG) + pcm
    _write_atomically(path, rate, pcm)
    return path


def gong_audio() -> Path:
    """The gong alone as a cached WAV: what the display plays when speech is switched off
    or ``SpeechUnavailable``; needs no espeak-ng."""
    path = cache_dir() / f"gong-v{FORMAT_VERSION}-{SAMPLE_RATE}.wav"
    if not path.is_file():
        _write_atomically(path, SAMPLE_RATE, chime_pcm(SAMPLE_RATE))
    return path


def cache_dir() -> Path:
    """``settings.RATHAUS_SPEECH_CACHE_DIR`` if set, else ``var/speech`` in the project."""
    configured = getattr(settings, "RATHAUS_SPEECH_CACHE_DIR", None)
    directory = Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "speech"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def prune_cache(max_age_seconds: float) -> int:
    """Deletes cached files (and temporary files a crash left) older than the given age;
    returns how many. Ticket numbers restart daily, so the cache otherwise only grows."""
    limit = time.time() - max_age_seconds
    removed = 0
    for path in cache_dir().iterdir():
        if path.suffix in {".wav", ".tmp"} and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _language(code: str) -> str:
    language = code.strip().lower().replace("_", "-").split("-")[0]
    if language not in TEMPLATES:
        raise ValueError(f"no announcement text for language {code!r}")
    return language


def _languages(codes: Sequence[str]) -> list[str]:
    if isinstance(codes, str):
        codes = [codes]
    languages = list(dict.fromkeys(_language(code) for code in codes))
    if not languages:
        raise ValueError("an announcement needs at least one language")
    return languages


def _phrase(number: str, counter: str | int, language: str, *, speakable: bool) -> str:
    """The sentence; ``speakable`` gives espeak's SSML input instead of plain text: letters
    inside <say-as characters> (else English says "a 17" with the article and German
    reads "AB" as a word), the counter name escaped, the whole in <speak>."""
    letters, digits = _ticket(number)
    if letters:
        spelt = f'<say-as interpret-as="characters">{letters}</say-as>' if speakable else letters
        spoken_number = f"{spelt} {digits}"
    else:
        spoken_number = digits
    counter_text = _counter(counter, language)
    if speakable:
        counter_text = escape(counter_text)
    sentence = TEMPLATES[language].format(number=spoken_number, counter=counter_text)
    return f"<speak>{sentence}</speak>" if speakable else sentence


def _ticket(number: str) -> tuple[str, str]:
    """("A", "17") from "A 017", "a-17" or "A17": the leading zeros are printed on the
    ticket for alignment, nobody says them."""
    match = _TICKET.fullmatch(str(number))
    if match is None:
        raise ValueError(f"not a ticket number: {number!r}")
    return match["letters"].upper(), str(int(match["digits"]))


def _counter(counter: str | int, language: str) -> str:
    name = " ".join(str(counter).split())
    if not name:
        raise ValueError("an announcement needs a counter")
    match = _COUNTER.fullmatch(name)
    word = (match["word"] or "Schalter").lower() if match else None
    if match is None or word not in COUNTER_WORDS:
        # A name the office chose ("Fundbüro"): said as written; Turkish names it.
        return f"{name} adlı gişeye" if language == "tr" else name
    digits = str(int(match["digits"]))
    translated = COUNTER_WORDS[word][language]
    if language == "tr":
        return f"{digits} numaralı {translated}"
    return f"{translated} {digits}"


def _synthesize(espeak: str, voice: str, ssml: str) -> tuple[int, bytes]:
    """(sample rate, 16-bit PCM) for one language. The text goes through stdin, never the
    argument list, so a counter named "-w /etc/x" is spoken, not obeyed."""
    with tempfile.TemporaryDirectory(prefix="rathaus-speech-") as scratch:
        output = Path(scratch) / "speech.wav"
        command = [espeak, "-v", voice, "-s", str(WORDS_PER_MINUTE), "-b", "1", "-m"]
        command += ["-w", str(output), "--stdin"]
        try:
            subprocess.run(  # noqa: S603 - fixed argument list, the text goes via stdin
                command,
                input=ssml.encode(),
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=True,
            )
        except FileNotFoundError as error:
            raise SpeechUnavailable("espeak-ng is not installed") from error
        except subprocess.TimeoutExpired as error:
            raise SpeechUnavailable(f"espeak-ng took over {TIMEOUT_SECONDS} s") from error
        except subprocess.CalledProcessError as error:
            detail = error.stderr.decode(errors="replace").strip()
            raise SpeechUnavailable(f"espeak-ng failed ({error.returncode}): {detail}") from error
        try:
            with wave.open(str(output), "rb") as speech:
                if speech.getnchannels() != 1 or speech.getsampwidth() != 2:
                    raise SpeechUnavailable("espeak-ng wrote something other than mono 16-bit")
                rate = speech.getframerate()
                pcm = speech.readframes(speech.getnframes())
        except (OSError, EOFError, wave.Error) as error:
            raise SpeechUnavailable(f"espeak-ng wrote no readable WAV: {error}") from error
    if not pcm:
        raise SpeechUnavailable("espeak-ng produced no audio")
    return rate, pcm


def _silence(rate: int, seconds: float) -> bytes:
    return b"\x00\x00" * int(rate * seconds)


def _write_atomically(path: Path, rate: int, pcm: bytes) -> None:
    """Write to a temporary file in the same directory, then rename over the target: a
    display fetching the file meanwhile gets the old state or the whole file, never half,
    and two servers synthesising the same phrase just replace equal files."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as raw:
            with wave.open(raw, "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(rate)
                out.writeframes(pcm)
            raw.flush()
            os.fsync(raw.fileno())
        # mkstemp makes the file private; the web server that hands it out may be another user.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
