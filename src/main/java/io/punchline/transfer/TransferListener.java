package io.punchline.transfer;

/** Hears every transfer's updates; called on executor threads, so it must not block. */
@FunctionalInterface
public interface TransferListener {
    void update(TransferUpdate update);
}
