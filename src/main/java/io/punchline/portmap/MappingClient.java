package io.punchline.portmap;

import java.io.IOException;

/** One protocol's way to ask the gateway for a UDP mapping of a local port, renew it and delete it; blocking. */
interface MappingClient {

    GatewayProtocol protocol();

    /**
     * Requests a UDP mapping of {@code internalPort} for {@code lifetimeSeconds}, or renews the one this client holds.
     *
     * @throws IOException when the gateway does not answer, does not speak the protocol or refuses (the message says which)
     */
    PortMapping map(int internalPort, long lifetimeSeconds) throws IOException;

    /** Deletes the mapping this client holds, if any. */
    void delete() throws IOException;
}
