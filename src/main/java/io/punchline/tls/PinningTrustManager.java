package io.punchline.tls;

import javax.net.ssl.X509TrustManager;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * Trusts exactly one server certificate, identified by its fingerprint: the relay's, as the user pinned it.
 * Used with kwik's {@code noServerCertificateCheck().customTrustManager(...)}; no CA is consulted.
 */
public final class PinningTrustManager implements X509TrustManager {

    private final CertificateFingerprint pinned;

    public PinningTrustManager(CertificateFingerprint pinned) {
        this.pinned = pinned;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server presented no certificate");
        }
        if (!pinned.matches(chain[0])) {
            throw new CertificateException("the server's certificate " + CertificateFingerprint.of(chain[0])
                    + " does not match the pinned fingerprint " + pinned);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("client certificates are not used");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
