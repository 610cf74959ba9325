package dev.herald.cluster;

import com.hazelcast.config.SerializerConfig;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;

import java.io.IOException;

/** A Hazelcast serializer for one type, from how to write it and how to read it back. */
public final class Serializers {

  /** Writes one value. */
  public interface Writer<T> {
    void write(ObjectDataOutput out, T value) throws IOException;
  }

  /** Reads one value back. */
  public interface Reader<T> {
    T read(ObjectDataInput in) throws IOException;
  }

  private Serializers() {
  }

  /** The config that makes Hazelcast use {@code writer} and {@code reader} for {@code type}, under a type id unique in the cluster (positive). */
  public static <T> SerializerConfig of(Class<T> type, int typeId, Writer<T> writer, Reader<T> reader) {
    return new SerializerConfig().setTypeClass(type).setImplementation(new StreamSerializer<T>() {
      @Override
      public void write(ObjectDataOutput out, T value) throws IOException {
        writer.write(out, value);
      }

      @Override
      public T read(ObjectDataInput in) throws IOException {
        return reader.read(in);
      }

      @Override
      public int getTypeId() {
        return typeId;
      }
    });
  }
}
