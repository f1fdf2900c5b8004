#!/usr/bin/python3
"""A StatusNotifierWatcher and host on the session bus, for the end-to-end suite.

A desktop's status area (the tray) is a StatusNotifierWatcher: applications
register their StatusNotifierItem with it, and a host shows the items. This
one registers itself as the host too, so the app believes a tray is shown,
and appends each registration to a JSON-lines file that the specs read:
{"sender": ":1.42", "path": "/org/ayatana/NotificationItem/outpost"}.

Usage: sni-watcher.py OUT.jsonl  (runs until killed; needs python3-gi)
"""
import json
import sys

from gi.repository import Gio, GLib

XML = """
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg type="s" direction="in" name="service"/></method>
    <method name="RegisterStatusNotifierHost"><arg type="s" direction="in" name="service"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
  </interface>
</node>
"""

out_path = sys.argv[1]
items = []


def on_call(conn, sender, path, iface, method, params, invocation):
    if method == "RegisterStatusNotifierItem":
        (service,) = params.unpack()
        # An item names either its object path (the bus name is the caller)
        # or its bus name (the object is at the standard path).
        if service.startswith("/"):
            bus, obj = sender, service
        else:
            bus, obj = service, "/StatusNotifierItem"
        items.append(bus + obj)
        with open(out_path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"sender": bus, "path": obj}) + "\n")
        conn.emit_signal(None, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher",
                         "StatusNotifierItemRegistered", GLib.Variant("(s)", (bus + obj,)))
    invocation.return_value(None)


def on_get(conn, sender, path, iface, prop):
    if prop == "RegisteredStatusNotifierItems":
        return GLib.Variant("as", items)
    if prop == "IsStatusNotifierHostRegistered":
        return GLib.Variant("b", True)
    return GLib.Variant("i", 0)


def on_bus(conn, name):
    info = Gio.DBusNodeInfo.new_for_xml(XML).interfaces[0]
    conn.register_object("/StatusNotifierWatcher", info, on_call, on_get, None)


def on_name(conn, name):
    # Ready: the specs wait for this line before starting the app.
    open(out_path, "a", encoding="utf-8").close()
    print("sni-watcher: ready", flush=True)


def on_lost(conn, name):
    print(f"sni-watcher: could not own {name}", file=sys.stderr, flush=True)
    sys.exit(1)


Gio.bus_own_name(Gio.BusType.SESSION, "org.kde.StatusNotifierWatcher", Gio.BusNameOwnerFlags.NONE,
                 on_bus, on_name, on_lost)
# The host's own name, as a desktop panel would own it.
Gio.bus_own_name(Gio.BusType.SESSION, "org.kde.StatusNotifierHost-outpost-e2e",
                 Gio.BusNameOwnerFlags.NONE, None, None, None)
GLib.MainLoop().run()
