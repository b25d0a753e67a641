package io.punchline.transfer;

import io.punchline.crypto.PeerId;

/** What a {@link TransferListener} hears: immutable, one record per kind of news. */
public sealed interface TransferUpdate {

    TransferId id();

    /** A transfer was offered: by this side (SEND) or by the peer (RECEIVE). */
    record Offered(TransferId id, PeerId peer, Direction direction, int entries, int files, long bytes) implements TransferUpdate {
    }

    /** The sender is hashing its files to build the manifest. */
    record Hashing(TransferId id, long bytes, long total, String currentPath) implements TransferUpdate {
    }

    /** Bytes moved so far in this run, of {@code total}; a few per second at most. */
    record Progress(TransferId id, Direction direction, long bytes, long total, long bytesPerSecond, String currentPath,
                    String networkPath) implements TransferUpdate {
    }

    record Finished(TransferId id, Direction direction, int files, long bytes, long millis) implements TransferUpdate {
    }

    record Declined(TransferId id, Direction direction) implements TransferUpdate {
    }

    record Failed(TransferId id, Direction direction, String message) implements TransferUpdate {
    }

    record Cancelled(TransferId id, Direction direction, boolean bySelf) implements TransferUpdate {
    }
}
