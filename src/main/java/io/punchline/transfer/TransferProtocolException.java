package io.punchline.transfer;

import io.punchline.wire.WireFormatException;

/** A transfer message, manifest, file header or part state that breaks its format or the naming rules; the message names what. */
public final class TransferProtocolException extends WireFormatException {

    public TransferProtocolException(String message) {
        super(message);
    }
}
