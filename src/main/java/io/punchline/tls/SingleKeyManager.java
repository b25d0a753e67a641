package io.punchline.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A key manager with exactly one key and certificate, handed to a TLS stack as they are.
 *
 * <p>Why not a key store: the JDK's PKCS#12 store encrypts a key entry with 10,000 rounds of PBKDF2 when it is put in and
 * decrypts it again when a key manager factory reads it, so Netty's {@code QuicSslContextBuilder.forServer(key, ...)}
 * spent about 90 ms of a cold JVM's CPU, and another 120 ms of C2 compilation, at every peer engine's start
 * (docs/BENCHMARKS.md, "The user-level line, and what a profile of `receive` showed").
 */
final class SingleKeyManager extends X509ExtendedKeyManager {

    private static final String ALIAS = "punchline";

    private final PrivateKey key;
    private final X509Certificate[] chain;

    SingleKeyManager(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        this.chain = new X509Certificate[]{certificate};
    }

    private String aliasFor(String keyType) {
        return key.getAlgorithm().equals(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliasFor(keyType) == null ? new String[0] : new String[]{ALIAS};
    }

    /** Never a client identity: peer sessions authenticate in the post-quantum handshake above TLS. */
    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[0];
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }
}
