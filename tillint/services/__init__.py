"""Services the engine owns for slow or remote work (HTTP link probing, the link cache).

Checks never touch the network themselves: they ask a service, which can be cached,
parallelised and replaced by a fake in tests.
"""
