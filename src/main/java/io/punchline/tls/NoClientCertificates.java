package io.punchline.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * The trust manager of a TLS server that never asks for client certificates: it trusts none.
 *
 * <p>Given to Netty's QUIC server context so that it does not build the JDK's default trust manager, which reads and
 * parses the whole {@code cacerts} store (about 25 ms of a cold JVM's start) for checks a server without client
 * authentication never makes.
 */
public final class NoClientCertificates extends X509ExtendedTrustManager {

    public static final NoClientCertificates INSTANCE = new NoClientCertificates();

    private static final String WHY = "peer sessions authenticate in the post-quantum handshake above TLS;"
            + " TLS certificates are not checked here";

    private NoClientCertificates() {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException(WHY);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException(WHY);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException(WHY);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException(WHY);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException(WHY);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException(WHY);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
