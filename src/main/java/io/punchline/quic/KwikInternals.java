package io.punchline.quic;

import tech.kwik.core.QuicConnection;
import tech.kwik.core.send.SenderImpl;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Reflective access to the kwik 0.10.8 internals that {@link CongestionControllerSwap}, {@link InOrderSendQueue} and
 * {@link SharedConnectionTimers} adjust (and the load benchmark's clients). kwik offers no option for any of them;
 * each caller logs and carries on unchanged if these lookups fail after an upgrade.
 */
public final class KwikInternals {

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

    /** The field {@code name} declared on {@code type} or the nearest superclass that declares it, made accessible. */
    public static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField(name);
                field.setAccessible(true);
                return field;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }
}
