package io.punchline.tls;

import javax.net.ssl.X509TrustManager;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * The trust manager of a TLS server that never asks for client certificates: it trusts none.
 *
 * <p>Given to Netty's QUIC server context so that it does not build the JDK's default trust manager, which reads and
 * parses the whole {@code cacerts} store (about 25 ms of a cold JVM's start) for checks a server without client
 * authentication never makes. A plain {@link X509TrustManager} is enough there: a server context has no endpoint
 * identification algorithm.
 */
public final class NoClientCertificates implements X509TrustManager {

    public static final NoClientCertificates INSTANCE = new NoClientCertificates();

    private NoClientCertificates() {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw refusal();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw refusal();
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    private static CertificateException refusal() {
        return new CertificateException("peer sessions authenticate in the post-quantum handshake above TLS;"
                + " TLS certificates are not checked here");
    }
}
