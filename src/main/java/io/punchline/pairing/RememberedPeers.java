package io.punchline.pairing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.punchline.config.OwnerOnly;
import io.punchline.crypto.PeerId;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The peers this installation has paired with, in {@value #FILE_NAME} in the config folder
 * ({@code DataFolders.config()}), readable by the owner only. Every change is written to a temporary file in the same
 * folder, synced, and moved into place atomically, so a crash leaves the old or the new list, never half of one. A file
 * that cannot be read is never silently replaced: loading fails with a message, and {@link #setAsideCorrupt} moves it
 * to {@code peers.json.corrupt} when the user chooses to start over. Not thread-safe; one engine owns it.
 */
public final class RememberedPeers {

    public static final String FILE_NAME = "peers.json";
    static final int FORMAT = 1;

    /**
     * One remembered peer. {@code publicKey} is the ML-DSA-65 public key in base64 (its PeerId is checked on load);
     * times are ISO-8601 instants.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Peer(String name, String fingerprint, String publicKey, String lastContact, String pairedAt,
                       String lastSeen) {
        public Instant pairedAtInstant() {
            return Instant.parse(pairedAt);
        }

        public Instant lastSeenInstant() {
            return Instant.parse(lastSeen);
        }

        public PeerId peerId() {
            return PeerId.parse(fingerprint);
        }

        public byte[] publicKeyBytes() {
            return Base64.getDecoder().decode(publicKey);
        }

        Peer withName(String newName) {
            return new Peer(newName, fingerprint, publicKey, lastContact, pairedAt, lastSeen);
        }

        Peer seen(String contact, Instant when) {
            return new Peer(name, fingerprint, publicKey, contact == null ? lastContact : contact, pairedAt,
                    when.toString());
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record FileForm(int format, List<Peer> peers) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final List<Peer> peers;

    private RememberedPeers(Path file, List<Peer> peers) {
        this.file = file;
        this.peers = peers;
    }

    /**
     * Loads the list from {@code configDir} (empty when there is no file yet).
     *
     * @throws IOException naming the file when it is unreadable or damaged; the file is left as it is
     */
    public static RememberedPeers load(Path configDir) throws IOException {
        Path file = configDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return new RememberedPeers(file, new ArrayList<>());
        }
        try {
            FileForm form = JSON.readValue(file.toFile(), FileForm.class);
            if (form == null || form.peers() == null) {
                throw new IOException("no peer list in it");
            }
            if (form.format() != FORMAT) {
                throw new IOException("format " + form.format() + " is not one this version reads");
            }
            List<Peer> peers = new ArrayList<>();
            for (Peer peer : form.peers()) {
                check(peer);
                peers.add(peer);
            }
            return new RememberedPeers(file, peers);
        } catch (IOException | IllegalArgumentException | DateTimeException | NullPointerException e) {
            throw new IOException("the list of paired peers " + file + " is damaged (" + e.getMessage() + "); it was "
                    + "left untouched: repair it, or set it aside as " + FILE_NAME + ".corrupt and pair again", e);
        }
    }

    /** Moves a damaged list out of the way, to {@code peers.json.corrupt} (replacing an older one); returns its path. */
    public static Path setAsideCorrupt(Path configDir) throws IOException {
        Path file = configDir.resolve(FILE_NAME);
        Path aside = configDir.resolve(FILE_NAME + ".corrupt");
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }

    private static void check(Peer peer) {
        if (peer == null || peer.name() == null || peer.name().isBlank() || peer.publicKey() == null) {
            throw new IllegalArgumentException("an entry without a name or a public key");
        }
        Instant.parse(peer.pairedAt());
        Instant.parse(peer.lastSeen());
        if (!PeerId.of(peer.publicKeyBytes()).equals(peer.peerId())) {
            throw new IllegalArgumentException("the public key of '" + peer.name() + "' is not its fingerprint's");
        }
    }

    public List<Peer> all() {
        return List.copyOf(peers);
    }

    public Optional<Peer> byName(String name) {
        return peers.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public Optional<Peer> byPeerId(PeerId peer) {
        String fingerprint = peer.fingerprint();
        return peers.stream().filter(p -> p.fingerprint().equals(fingerprint)).findFirst();
    }

    /**
     * Remembers a freshly paired peer under the name its card gave (made unique with " (2)", " (3)", ... when taken).
     * Pairing again with a known PeerId refreshes its key, contact and times and keeps its name.
     */
    public Peer remember(PairingCard card, Instant now) throws IOException {
        String fingerprint = card.peer().fingerprint();
        String key = Base64.getEncoder().encodeToString(card.publicKey());
        String contact = card.contact().toString();
        for (int i = 0; i < peers.size(); i++) {
            if (peers.get(i).fingerprint().equals(fingerprint)) {
                Peer updated = new Peer(peers.get(i).name(), fingerprint, key, contact, now.toString(),
                        now.toString());
                peers.set(i, updated);
                save();
                return updated;
            }
        }
        String name = card.deviceName();
        for (int n = 2; byName(name).isPresent(); n++) {
            name = card.deviceName() + " (" + n + ")";
        }
        Peer added = new Peer(name, fingerprint, key, contact, now.toString(), now.toString());
        peers.add(added);
        save();
        return added;
    }

    /** Renames a peer; a name another peer has is refused. */
    public Peer rename(String oldName, String newName) throws IOException {
        String wanted = newName == null ? "" : newName.strip();
        if (wanted.isEmpty()) {
            throw new IllegalArgumentException("a peer's name cannot be empty");
        }
        Peer peer = byName(oldName).orElseThrow(() -> new IllegalArgumentException("no paired peer named '" + oldName + "'"));
        if (!wanted.equals(oldName) && byName(wanted).isPresent()) {
            throw new IllegalArgumentException("another paired peer is already named '" + wanted + "'");
        }
        Peer renamed = peer.withName(wanted);
        peers.set(peers.indexOf(peer), renamed);
        save();
        return renamed;
    }

    /** Forgets a peer; false when there was none of that name. */
    public boolean forget(String name) throws IOException {
        boolean removed = peers.removeIf(p -> p.name().equals(name));
        if (removed) {
            save();
        }
        return removed;
    }

    /** Records that a peer was seen now, at {@code contact} (null: contact unchanged). */
    public void seen(PeerId peer, String contact, Instant when) throws IOException {
        Peer known = byPeerId(peer).orElseThrow(() -> new IllegalArgumentException("not a paired peer: " + peer));
        peers.set(peers.indexOf(known), known.seen(contact, when));
        save();
    }

    private void save() throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        byte[] content;
        try {
            content = JSON.writeValueAsBytes(new FileForm(FORMAT, peers));
        } catch (JsonProcessingException e) {
            throw new IOException("cannot encode the list of paired peers", e);
        }
        Path temp = Files.createTempFile(folder, FILE_NAME, ".tmp");
        try {
            OwnerOnly.restrict(temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(content));
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
