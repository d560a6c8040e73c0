package org.timekeeper.jenkins

/** What Jenkins does to pipeline state at every checkpoint: write it out and read it back. */
class SerialisationRoundTrip {

    static <T> T of(T object) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream()
        new ObjectOutputStream(bytes).withCloseable { it.writeObject(object) }
        return new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).withCloseable {
            (T) it.readObject()
        }
    }
}
