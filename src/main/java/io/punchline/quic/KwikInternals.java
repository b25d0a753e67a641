package io.punchline.quic;

import tech.kwik.core.QuicConnection;
import tech.kwik.core.send.SenderImpl;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Reflective access to the kwik 0.10.8 internals that {@link CongestionControllerSwap} and {@link InOrderSendQueue}
 * adjust. kwik offers no option for either; each caller logs and carries on unchanged if these lookups fail after an
 * upgrade.
 */
final class KwikInternals {

    private KwikInternals() {
    }

    /** The connection's sender ({@code getSender()} is declared on kwik's connection classes, not public). */
    static SenderImpl sender(QuicConnection connection) throws ReflectiveOperationException {
        for (Class<?> c = connection.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Method method = c.getDeclaredMethod("getSender");
                method.setAccessible(true);
                return (SenderImpl) method.invoke(connection);
            } catch (NoSuchMethodException e) {
                // look in the superclass
            }
        }
        throw new NoSuchMethodException(connection.getClass().getName() + ".getSender");
    }

    static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
