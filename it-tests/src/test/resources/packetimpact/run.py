"""Runs behaviour scripts against one DUT and prints one JSON result line per script.

usage: run.py IFACE LOCAL_IP DUT_IP SCRIPT...

Each SCRIPT names a module next to this file that defines ``run(h)``. Per script the output is
``BEGIN name``, any ``TRACE text`` and ``ERROR text`` lines (newlines escaped as \\n), then
``END name ok|fail seconds``; ``CTL ...`` lines are requests that the test JVM answers on standard
input (see Harness.control). Importing scapy once for all scripts keeps the suite fast.
"""

import importlib
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import impact  # noqa: E402


def main():
    iface, local_ip, dut_ip = sys.argv[1:4]
    names = sys.argv[4:]
    h = impact.Harness(iface, local_ip, dut_ip, sys.stdin, sys.stdout)
    for name in names:
        started = time.monotonic()
        h.begin(name)
        result = {'name': name, 'ok': True, 'error': None}
        try:
            importlib.import_module(name).run(h)
        except Exception as e:  # a failed check or a broken script: report, go on with the next
            result['ok'] = False
            result['error'] = '%s: %s' % (type(e).__name__, e)
            if not isinstance(e, impact.ScriptFailure):
                result['error'] += '\n' + traceback.format_exc()
        try:
            h.end()
        except Exception as e:
            result['ok'] = False
            result['error'] = (result['error'] or '') + ' (cleanup failed: %s)' % e
        out = ['BEGIN ' + name]
        out += ['TRACE ' + one_line(t) for t in h.trace]
        if result['error']:
            out.append('ERROR ' + one_line(result['error']))
        out.append('END %s %s %.2f' % (name, 'ok' if result['ok'] else 'fail', time.monotonic() - started))
        sys.stdout.write('\n'.join(out) + '\n')
        sys.stdout.flush()


def one_line(text):
    return str(text).replace('\\', '\\\\').replace('\n', '\\n')


if __name__ == '__main__':
    main()
