"""Drives one FBClient of FeatBit's Python server SDK (fb-python-sdk), unmodified, for the int test
els/src/featbit/featbit-python-sdk.int.test.ts (through python-sdk.ts).

Usage: featbit_python_driver.py ENV_SECRET STREAMING_URL EVENT_URL [FLUSH_INTERVAL_S]

Reads one JSON command per line on stdin and writes one JSON answer per line on stdout, in order,
each carrying the command's "id". Answers are {"id", "ok": true, ...} or {"id", "ok": false,
"error"}. The SDK's logs (and this program's) go to stderr. Users are {"keyId", "name",
"props": {name: value}}.

  {"op": "status"}                        -> {"state": "OK"|..., "error": ..., "initialized": bool}
  {"op": "detail", "flag", "user", "default"} -> {"value", "reason", "variationId"}
  {"op": "details", "requests": [{"flag", "user", "default"}, ...]} -> {"results": [...]}
  {"op": "flags"}                         -> {"flags": [keys the SDK's store serves]}
  {"op": "track", "user", "event", "value"}
  {"op": "identify", "user"}
  {"op": "flush"}
  {"op": "close"}                         -> stops the client, answers, exits 0
"""

import json
import logging
import sys
import traceback

from fbclient.category import FEATURE_FLAGS
from fbclient.client import FBClient
from fbclient.config import Config
from fbclient.data_storage import InMemoryDataStorage

log = logging.getLogger('featbit-python-driver')


def to_user(user):
    """The SDK's user dict: key and name are built in, every other entry is a custom property."""
    result = dict(user.get('props') or {})
    result['key'] = user['keyId']
    result['name'] = user['name']
    return result


def detail(client, request):
    d = client.variation_detail(request['flag'], to_user(request['user']), request.get('default'))
    return {'value': d.variation, 'reason': d.reason, 'variationId': d.variation_id}


def status(client):
    state = client.update_status_provider.current_state
    error = state.error_track
    return {
        'state': state.state_type.name,
        'error': None if error is None else {'type': error.error_type, 'message': error.message},
        'initialized': client.initialize,
    }


def handle(client, storage, command):
    op = command.get('op')
    if op == 'status':
        return status(client)
    if op == 'detail':
        return detail(client, command)
    if op == 'details':
        return {'results': [detail(client, r) for r in command['requests']]}
    if op == 'flags':
        return {'flags': sorted(storage.get_all(FEATURE_FLAGS).keys())}
    if op == 'track':
        client.track_metric(to_user(command['user']), command['event'], command.get('value', 1.0))
        return {}
    if op == 'identify':
        client.identify(to_user(command['user']))
        return {}
    if op == 'flush':
        client.flush()
        return {}
    raise ValueError('unknown op %r' % op)


def answer(message):
    sys.stdout.write(json.dumps(message) + '\n')
    sys.stdout.flush()


def main():
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG,
                        format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    secret, streaming_url, event_url = sys.argv[1:4]
    flush_interval = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    # Our own store (the SDK's default kind) so `flags` can list what the SDK holds.
    storage = InMemoryDataStorage()
    config = Config(secret, event_url, streaming_url, data_storage=storage,
                    events_flush_interval=flush_interval)
    # start_wait=0: the test polls `status` instead of blocking here.
    client = FBClient(config, start_wait=0)
    answer({'id': 0, 'ok': True, 'started': True})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        command = {}
        try:
            command = json.loads(line)
            if command.get('op') == 'close':
                client.stop()
                answer({'id': command.get('id'), 'ok': True})
                return
            result = handle(client, storage, command)
            answer({'id': command.get('id'), 'ok': True, **result})
        except Exception as e:  # an answer for every command, the error in the log too
            log.error('command %r failed: %s\n%s', line, e, traceback.format_exc())
            answer({'id': command.get('id') if isinstance(command, dict) else None,
                    'ok': False, 'error': '%s: %s' % (type(e).__name__, e)})
    # stdin closed without `close`: stop anyway.
    client.stop()


if __name__ == '__main__':
    main()
