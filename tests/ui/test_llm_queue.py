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


def test_queued_model_takes_its_place_only_while_generating():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from ui.llm_queue import QueuedChatModel

    queue = LLMQueue(waiting=0)
    model = QueuedChatModel(inner=FakeListChatModel(responses=["甲", "乙"]), queue=queue)
    assert queue.admitted == 0
    assert model.invoke("q").content == "甲" and queue.admitted == 0
    chunks = model.stream("q")
    assert next(chunks).content == "" and queue.admitted == 1  # admitted, before its turn
    assert "".join(c.content for c in chunks) == "乙" and queue.admitted == 0
    held = queue.admit()
    with pytest.raises(LLMBusy) as err:  # the server's backend does not fall back on it (ui.runtime)
        model.invoke("q")
    assert "正忙" in err.value.message
    held.release()


def test_a_ticket_released_while_waiting_does_not_generate():
    from ui.llm_queue import QueueLeft

    queue = LLMQueue(waiting=1)
    running, waiting = queue.admit(), queue.admit()
    running.wait_turn()
    outcome: list = []

    def wait():
        try:
            waiting.wait_turn()
            outcome.append("generated")
        except QueueLeft:
            outcome.append("left")

    thread = threading.Thread(target=wait)
    thread.start()
    time.sleep(0.1)
    waiting.release()  # the client left while waiting
    running.release()
    thread.join(5)
    assert outcome == ["left"] and queue.admitted == 0
    with queue.admit().turn():  # the slot was passed on, not leaked
        assert queue.admitted == 1
