package io.punchline.crypto;

import io.punchline.config.OwnerOnly;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.pqc.crypto.mldsa.MLDSAKeyGenerationParameters;
import org.bouncycastle.pqc.crypto.mldsa.MLDSAKeyPairGenerator;
import org.bouncycastle.pqc.crypto.mldsa.MLDSAPrivateKeyParameters;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * This installation's long-term ML-DSA-65 key pair. Kept in {@value #FILE_NAME} in the config folder the caller
 * passes in, readable by the owner only: the 6-byte magic {@code PLID\0\1} followed by the 32-byte FIPS 204 key
 * generation seed (the whole key pair is re-derived from it). Written to a temporary file, fsynced, then moved into place
 * atomically; a file that group or others may read is refused on load. Never logged: {@link #toString()} shows the PeerId.
 */
public final class Identity {

    static final String FILE_NAME = "identity-mldsa65.key";
    private static final byte[] MAGIC = {'P', 'L', 'I', 'D', 0, 1};

    private final MLDSAPrivateKeyParameters privateKey;
    private final byte[] publicKey;
    private final PeerId peerId;

    private Identity(MLDSAPrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.publicKey = privateKey.getPublicKey();
        this.peerId = PeerId.of(publicKey);
    }

    /** Loads the identity from {@code configDir}, creating and saving a new one on first start. */
    public static Identity loadOrCreate(Path configDir) throws IOException {
        Path file = configDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            return load(file);
        }
        Identity created = generate(new SecureRandom());
        Files.createDirectories(configDir);
        Path temp = Files.createTempFile(configDir, FILE_NAME, ".tmp");
        try {
            OwnerOnly.restrict(temp);
            byte[] content = new byte[MAGIC.length + MlDsa65.SEED_LENGTH];
            System.arraycopy(MAGIC, 0, content, 0, MAGIC.length);
            byte[] seed = created.privateKey.getSeed();
            System.arraycopy(seed, 0, content, MAGIC.length, seed.length);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.wrap(content));
                channel.force(true); // on disk before the move makes it the identity: a crash leaves old or new, whole
            } finally {
                Arrays.fill(content, (byte) 0);
                Arrays.fill(seed, (byte) 0);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return created;
    }

    private static Identity load(Path file) throws IOException {
        refuseIfOthersCanRead(file);
        byte[] content = Files.readAllBytes(file);
        try {
            if (content.length != MAGIC.length + MlDsa65.SEED_LENGTH
                    || !Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw new IOException("not a Punchline ML-DSA-65 identity file: " + file);
            }
            byte[] seed = Arrays.copyOfRange(content, MAGIC.length, content.length);
            return new Identity(new MLDSAPrivateKeyParameters(MlDsa65.PARAMETERS, seed));
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /**
     * Refuses an identity file whose group or other permission bits are set (POSIX file systems): another user may
     * have read the key, and a key others can read is not this installation's alone.
     */
    private static void refuseIfOthersCanRead(Path file) throws IOException {
        if (!Files.getFileStore(file).supportsFileAttributeView("posix")) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        EnumSet<PosixFilePermission> others = EnumSet.of(PosixFilePermission.GROUP_READ,
                PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
        others.retainAll(permissions);
        if (!others.isEmpty()) {
            throw new IOException("the identity file " + file + " is open to other users (mode "
                    + PosixFilePermissions.toString(permissions) + "); it must be readable by its owner only: "
                    + "run  chmod 600 " + file + "  (and, if others may have copied it, delete it to get a new identity "
                    + "and pair again)");
        }
    }

    /** A fresh identity held in memory only (tests, relays configured elsewhere). */
    public static Identity generate(SecureRandom random) {
        MLDSAKeyPairGenerator generator = new MLDSAKeyPairGenerator();
        generator.init(new MLDSAKeyGenerationParameters(random, MlDsa65.PARAMETERS));
        AsymmetricCipherKeyPair pair = generator.generateKeyPair();
        return new Identity((MLDSAPrivateKeyParameters) pair.getPrivate());
    }

    public PeerId peerId() {
        return peerId;
    }

    /** The encoded ML-DSA-65 public key (1952 bytes). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Signs {@code message}; the signature is hedged with {@code random}. */
    byte[] sign(byte[] message, SecureRandom random) {
        return MlDsa65.sign(privateKey, message, random);
    }

    /** Verifies an ML-DSA-65 signature under an encoded public key; false for anything malformed. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        return MlDsa65.verify(publicKey, message, signature);
    }

    @Override
    public String toString() {
        return "Identity[" + peerId.fingerprint() + "]";
    }
}
