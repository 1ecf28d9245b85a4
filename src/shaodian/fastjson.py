"""JSON answers through orjson, with the standard library for what orjson refuses.

A 5,000-scan batch is answered with half a megabyte of JSON, which orjson writes about ten times
faster than the json module. Requests are still read by the json module: orjson turns integers
beyond 64 bits into floats, and the services tell such a number from a malformed value.
"""

import json

import orjson


def dumps(data) -> bytes:
    try:
        return orjson.dumps(data)
    except orjson.JSONEncodeError:  # e.g. a lone surrogate echoed back in a refused client_id
        return json.dumps(data).encode()
