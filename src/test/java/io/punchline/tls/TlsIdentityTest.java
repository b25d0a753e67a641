package io.punchline.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Signature;

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
    void aDamagedIdentityFileIsReportedWithItsPath() throws Exception {
        Files.write(temp.resolve("tls-identity.p12"), new byte[] {0x30, 0x03, 1, 2, 3});
        assertThatThrownBy(() -> TlsIdentity.loadOrCreate(temp, "punchline relay"))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("tls-identity.p12");
    }
}
