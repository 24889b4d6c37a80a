"""One browser tab speaking Streamlit's websocket protocol, as the real front end does.

The browser sends a ``BackMsg`` with ``rerun_script``: the query string, the page's script
hash, and the state of every widget on the page (radios and select boxes by their displayed
option, text inputs by their text, a clicked button as a one-off trigger). The server answers
with ``ForwardMsg``s: ``new_session`` when a run starts (naming the page), ``delta``s that draw
elements (each widget carries its id and options), ``page_info_changed`` when the query string
changes, and ``script_finished``. A run that ends early because the app switched page or
reran is followed by another; a click is done when a run finishes for good. These rules were
read from Streamlit's source and checked against the frames Chromium sends.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

_EARLY = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
_ALERT_ERROR = 1  # Alert.Format.ERROR: st.error, which a person reads as something gone wrong


class ProtocolError(RuntimeError):
    pass


@dataclass
class Widget:
    id: str
    kind: str
    proto: Any

    @property
    def key(self) -> str:
        """The key the page gave it (ids of keyed widgets end with "-<key>")."""
        return self.id.split("-", 2)[-1] if self.id.startswith("$$ID-") else self.id


@dataclass
class Run:
    """What one click brought back: every element type drawn, the widgets, any errors."""

    element_types: set[str] = field(default_factory=set)
    widgets: dict[str, Widget] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _initial_state(widget: Widget) -> WidgetState | None:
    """The value the front end reports for a widget the person has not touched."""
    state = WidgetState(id=widget.id)
    p = widget.proto
    if widget.kind in ("radio", "selectbox"):
        if p.HasField("default") and 0 <= p.default < len(p.options):
            state.string_value = p.options[p.default]
        return state  # no value: nothing picked yet, as the browser sends it
    if widget.kind == "text_input":
        state.string_value = p.default if p.HasField("default") else ""
        return state
    if widget.kind == "slider" and p.options:
        state.string_array_value.data.extend(p.options[int(i)] for i in p.default)
        return state
    return None  # buttons and kinds this journey never touches: the server keeps its value


class Session:
    """A websocket session to one app; ``click`` sends a rerun and waits for its end."""

    def __init__(self, origin: str, path: str, query: str) -> None:
        self.origin = origin
        self.url_path = path
        self.query = query
        self.page_hash = ""
        self.pages: dict[str, str] = {}  # page script hash -> url path name
        self.widgets: dict[str, Widget] = {}
        self.values: dict[str, WidgetState] = {}
        self._ws: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._run = Run()
        self._done: asyncio.Future[Run] | None = None
        self.closed_reason: str | None = None

    async def open(self) -> None:
        host = self.origin.split("://", 1)[1]
        self._ws = await connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=["streamlit"],  # type: ignore[list-item]
            origin=self.origin,  # type: ignore[arg-type]
            max_size=None,
            open_timeout=60,
            ping_interval=None,  # the front end sends no pings; the server sends its own
        )
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - closing anyway
                pass

    # reading ---------------------------------------------------------------------------

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
        except Exception as exc:  # noqa: BLE001 - reported to the waiting click
            self.closed_reason = f"websocket failed: {exc}"
        else:
            self.closed_reason = "the server closed the websocket"
        if self._done is not None and not self._done.done():
            self._done.set_exception(ProtocolError(self.closed_reason))

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            # A run starts: the page it runs is the page the browser now shows.
            self.page_hash = msg.new_session.page_script_hash
            self.pages = {p.page_script_hash: p.url_pathname for p in msg.new_session.app_pages}
            errors = self._run.errors
            self._run = Run(errors=errors)
        elif kind == "delta":
            delta = msg.delta
            if delta.WhichOneof("type") != "new_element":
                return
            element = delta.new_element
            etype = element.WhichOneof("type")
            if etype is None:
                return
            self._run.element_types.add(etype)
            proto = getattr(element, etype)
            if etype == "exception":
                self._run.errors.append(f"exception: {proto.type}: {proto.message}"[:300])
            elif etype == "alert" and proto.format == _ALERT_ERROR:
                self._run.errors.append(f"error shown: {proto.body}"[:300])
            widget_id = getattr(proto, "id", "")
            if isinstance(widget_id, str) and widget_id.startswith("$$ID-"):
                self._run.widgets[widget_id] = Widget(widget_id, etype, proto)
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            self._run.errors.append("page not found")
        elif kind == "script_finished" and msg.script_finished != _EARLY:
            run, self._run = self._run, Run()
            self._settle(run)
            if self._done is not None and not self._done.done():
                self._done.set_result(run)

    def _settle(self, run: Run) -> None:
        """The page now shows this run's widgets: untouched ones report their defaults, the
        values of widgets still on the page are kept, those gone are forgotten."""
        self.widgets = run.widgets
        values = {}
        for wid, widget in run.widgets.items():
            if wid in self.values:
                values[wid] = self.values[wid]
            else:
                state = _initial_state(widget)
                if state is not None:
                    values[wid] = state
        self.values = values
        if self.page_hash in self.pages:
            self.url_path = "/" + self.pages[self.page_hash].lstrip("/")

    # sending ---------------------------------------------------------------------------

    async def click(self, change: WidgetState | None = None, *, timeout: float = 120.0) -> tuple[float, Run]:
        """Send a rerun (after ``change``, a new value or a button's trigger) and wait until the
        server's run is over. Returns the round trip in seconds and what the run drew."""
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query
        rerun.page_script_hash = self.page_hash
        if change is not None and not change.HasField("trigger_value"):
            self.values[change.id] = change
        states = list(self.values.values())
        if change is not None and change.HasField("trigger_value"):
            states.append(change)
        rerun.widget_states.widgets.extend(states)
        info = rerun.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-GB"
        info.url, info.color_scheme = f"{self.origin}{self.url_path}", "light"
        if self.closed_reason:
            raise ProtocolError(self.closed_reason)
        self._done = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        run = await asyncio.wait_for(self._done, timeout)
        return time.perf_counter() - started, run

    def pick(self, change: WidgetState) -> None:
        """A change to a widget inside a form: the browser keeps it, sending nothing, until a
        button of that form is pressed (the next ``click`` carries it)."""
        self.values[change.id] = change

    def find(self, key_suffix: str) -> Widget | None:
        return next((w for w in self.widgets.values() if w.key == key_suffix), None)

    @staticmethod
    def choose(widget: Widget, index: int) -> WidgetState:
        return WidgetState(id=widget.id, string_value=widget.proto.options[index])

    @staticmethod
    def press(widget: Widget) -> WidgetState:
        return WidgetState(id=widget.id, trigger_value=True)
