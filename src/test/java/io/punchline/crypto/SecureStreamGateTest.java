package io.punchline.crypto;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** No application data moves before the post-quantum handshake has completed. */
class SecureStreamGateTest {

    @Test
    void sessionSecretsCanOnlyComeFromAHandshake() {
        assertThat(SessionSecrets.class.getConstructors()).isEmpty();
        assertThat(Arrays.stream(SessionSecrets.class.getDeclaredMethods())
                .filter(m -> Modifier.isStatic(m.getModifiers()) && Modifier.isPublic(m.getModifiers())))
                .isEmpty();
    }

    @Test
    void secureStreamsCanOnlyComeFromSessionSecrets() {
        assertThat(SecureOutputStream.class.getConstructors()).isEmpty();
        assertThat(SecureInputStream.class.getConstructors()).isEmpty();
    }

    @Test
    void handshakeEntryPointsAreTheOnlyPublicWayToSessionSecrets() {
        assertThat(Arrays.stream(PeerHandshake.class.getMethods())
                .filter(m -> m.getReturnType() == SessionSecrets.class)
                .map(java.lang.reflect.Method::getName))
                .containsExactlyInAnyOrder("dial", "dialAnyPeer", "listen");
    }
}
