package io.punchline.tls;

import io.punchline.config.OwnerOnly;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * A long-term TLS identity: an ECDSA P-256 key and a self-signed certificate, kept in a PKCS#12 file in a data
 * folder and created on first use. kwik's TLS stack (agent15) accepts ECDSA P-256 certificates; clients never check
 * the certificate chain, they pin its {@link CertificateFingerprint}.
 *
 * <p>This TLS layer is classical. It protects the relay hop's headers and is pinned against impostors, but
 * Punchline's post-quantum guarantees come from its own layer above QUIC (see docs/SECURITY.md).
 */
public final class TlsIdentity {

    /** Alias of the key entry inside the key store. */
    public static final String ALIAS = "punchline";
    private static final char[] STORE_PASSWORD = "punchline".toCharArray();
    private static final String FILE_NAME = "tls-identity.p12";
    private static final Duration VALIDITY = Duration.ofDays(3650);

    private final PrivateKey privateKey;
    private final X509Certificate certificate;

    private TlsIdentity(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = privateKey;
        this.certificate = certificate;
    }

    private static TlsIdentity of(KeyStore store) throws GeneralSecurityException {
        X509Certificate certificate = (X509Certificate) store.getCertificate(ALIAS);
        if (certificate == null || !(store.getKey(ALIAS, STORE_PASSWORD) instanceof PrivateKey key)) {
            throw new GeneralSecurityException("key store has no key entry '" + ALIAS + "'");
        }
        return new TlsIdentity(key, certificate);
    }

    /** Loads the identity kept in {@code folder}, creating and saving a new one if there is none. */
    public static TlsIdentity loadOrCreate(Path folder, String commonName) throws IOException {
        Path file = folder.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(file)) {
                    store.load(in, STORE_PASSWORD);
                } catch (IOException e) {
                    throw new IOException("cannot read the TLS identity in " + file + " (damaged? move it away and a new"
                            + " one is made, with a new fingerprint to pin): " + e.getMessage(), e);
                }
                return of(store);
            }
            TlsIdentity created = generate(commonName);
            Files.createDirectories(folder);
            Path temp = Files.createTempFile(folder, FILE_NAME, ".tmp");
            OwnerOnly.restrict(temp);
            try (OutputStream out = Files.newOutputStream(temp)) {
                created.keyStore().store(out, STORE_PASSWORD);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return created;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load or create the TLS identity in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Creates a fresh identity that lives only in memory (tests, embedded relays without a data folder). */
    public static TlsIdentity generate(String commonName) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keyPair = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=" + commonName.replaceAll("[,=+<>#;\"\\\\]", "_"));
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(128, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(VALIDITY)), subject, keyPair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, "punchline.invalid")));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate());
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            // no key store here: a PKCS#12 entry encrypts the key with 10,000 rounds of PBKDF2 (and reading it back
            // decrypts it), hundreds of milliseconds of a cold JVM's CPU at every peer engine's start
            return new TlsIdentity(keyPair.getPrivate(), cert);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate an ECDSA P-256 certificate", e);
        }
    }

    /** A key store with this identity, to hand to kwik's {@code ServerConnector.Builder.withKeyStore} or to save. */
    public KeyStore keyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, privateKey, STORE_PASSWORD, new X509Certificate[]{certificate});
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot put the TLS identity in a PKCS#12 key store: " + e.getMessage(), e);
        }
    }

    public char[] keyPassword() {
        return STORE_PASSWORD.clone();
    }

    /**
     * This identity as a key manager for a TLS server, without a key store in between (Netty's QUIC server context;
     * see {@link SingleKeyManager} for why).
     */
    public X509ExtendedKeyManager keyManager() {
        return new SingleKeyManager(privateKey, certificate);
    }

    /** The certificate's private key. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public CertificateFingerprint fingerprint() {
        return CertificateFingerprint.of(certificate);
    }
}
