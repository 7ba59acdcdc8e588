"""Waiting until nothing is left: shared by the functions whose delete fails the destroy while something the
cluster made still exists (the leftover waiter's volumes and load balancers, Karpenter's instances)."""
import logging

LOG = logging.getLogger()


def wait_for_none(check, seconds, clock, sleep, poll_seconds, failing):
    """Polls `check()` every `poll_seconds` until it finds nothing or `seconds` pass. Returns (what is left,
    the last error or None): an error (an API unreachable for a moment) is retried like a leftover, and
    logged as `failing`, e.g. "checking for leftovers failed"."""
    deadline = clock() + seconds
    while True:
        try:
            left, error = check(), None
        except Exception as failure:  # noqa: BLE001 (retried until the deadline, then reported)
            left, error = None, failure
            LOG.warning("%s, retrying: %s", failing, failure)
        if left == [] or clock() + poll_seconds > deadline:
            return left, error
        if left:
            LOG.info("still there: %s", "; ".join(left))
        sleep(poll_seconds)
