package io.punchline.path;

/** Side ports opened toward one peer ({@link EngineSocket#openPorts}; docs/ARCHITECTURE.md, "Hard NATs"). */
public interface PortSet extends AutoCloseable {

    /** How many ports were opened (fewer than asked when the system refused more sockets). */
    int size();

    /** Sends a copy of {@code data} from every open port to that port's own target, in index order. */
    void resend(byte[] data);

    /** Closes the ports no peer address is tied to; they are closed when it returns. */
    void closeUnused();

    /** Closes every port and forgets the addresses tied to them; they are closed when it returns. */
    @Override
    void close();
}
