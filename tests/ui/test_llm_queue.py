import threading
import time

import pytest

from rag.errors import LLMBusy
from ui.llm_queue import LLMQueue


def test_admission_is_bounded_and_released():
    queue = LLMQueue(waiting=1, retry_after=7)
    first, second = queue.admit(), queue.admit()
    with pytest.raises(LLMBusy) as err:
        queue.admit()
    assert err.value.retry_after == 7 and "busy" in err.value.message and "正忙" in err.value.message
    first.release()
    first.release()  # idempotent: must not free a second place
    third = queue.admit()
    with pytest.raises(LLMBusy):
        queue.admit()
    second.release()
    third.release()
    assert queue.admitted == 0


def test_generation_runs_one_at_a_time():
    queue = LLMQueue(waiting=3)
    active, peak, lock = [0], [0], threading.Lock()

    def work():
        with queue.admit().turn():
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
            time.sleep(0.05)
            with lock:
                active[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert peak[0] == 1 and queue.admitted == 0
