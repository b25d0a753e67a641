package io.punchline.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.X509ExtendedKeyManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TlsIdentityTest {

    @TempDir
    Path temp;

    @Test
    void anIdentityIsSavedOnceAndLoadedWithTheSameKeyAndCertificate() throws Exception {
        TlsIdentity created = TlsIdentity.loadOrCreate(temp, "punchline relay");
        assertThat(temp.resolve("tls-identity.p12")).isRegularFile();
        TlsIdentity loaded = TlsIdentity.loadOrCreate(temp, "punchline relay");
        assertThat(loaded.certificate()).isEqualTo(created.certificate());
        assertThat(loaded.fingerprint()).isEqualTo(created.fingerprint());
        // the loaded private key signs what the certificate's public key verifies
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(loaded.privateKey());
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(created.certificate().getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signature)).isTrue();
    }

    @Test
    void aGeneratedIdentityHandsKwikAKeyStoreWithItsEntry() throws Exception {
        TlsIdentity identity = TlsIdentity.generate("punchline peer");
        KeyStore store = identity.keyStore();
        assertThat(store.getCertificate(TlsIdentity.ALIAS)).isEqualTo(identity.certificate());
        assertThat(store.getKey(TlsIdentity.ALIAS, identity.keyPassword())).isEqualTo(identity.privateKey());
    }

    @Test
    void theKeyManagerOffersTheIdentityForItsKeyTypeOnlyAndNeverAsAClient() {
        TlsIdentity identity = TlsIdentity.generate("punchline peer");
        X509ExtendedKeyManager keys = identity.keyManager();
        String alias = keys.chooseEngineServerAlias("EC", null, null);
        assertThat(alias).isNotNull();
        assertThat(keys.getPrivateKey(alias)).isEqualTo(identity.privateKey());
        assertThat(keys.getCertificateChain(alias)).containsExactly(identity.certificate());
        assertThat(keys.chooseEngineServerAlias("RSA", null, null)).isNull();
        assertThat(keys.getPrivateKey("other")).isNull();
        assertThat(keys.getCertificateChain("other")).isNull();
        assertThat(keys.chooseEngineClientAlias(new String[]{"EC"}, null, null)).isNull();
        assertThat(keys.getClientAliases("EC", null)).isEmpty();
    }

    @Test
    void thePeerServersTrustManagerTrustsNoCertificate() {
        X509Certificate[] chain = {TlsIdentity.generate("anyone").certificate()};
        assertThatThrownBy(() -> NoClientCertificates.INSTANCE.checkClientTrusted(chain, "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class).hasMessageContaining("post-quantum handshake");
        assertThatThrownBy(() -> NoClientCertificates.INSTANCE.checkServerTrusted(chain, "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class);
        assertThat(NoClientCertificates.INSTANCE.getAcceptedIssuers()).isEmpty();
    }

    @Test
    void aDamagedIdentityFileIsReportedWithItsPath() throws Exception {
        Files.write(temp.resolve("tls-identity.p12"), new byte[] {0x30, 0x03, 1, 2, 3});
        assertThatThrownBy(() -> TlsIdentity.loadOrCreate(temp, "punchline relay"))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("tls-identity.p12");
    }
}
