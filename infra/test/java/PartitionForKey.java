// Prints the partition the Java producer picks for each key, one per line, in argument order.
//
//   java -cp '<kafka-clients jar>' PartitionForKey.java <partitions> <hex key>...
//
// Keys come hex-encoded (UTF-8 bytes) so the JVM's argument decoding cannot alter them.
// BuiltInPartitioner.partitionForKey is the producer's own keyed path:
// toPositive(murmur2(key)) % partitions.
import java.util.HexFormat;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

public class PartitionForKey {
  public static void main(String[] args) {
    int partitions = Integer.parseInt(args[0]);
    for (int i = 1; i < args.length; i++) {
      byte[] key = HexFormat.of().parseHex(args[i]);
      System.out.println(BuiltInPartitioner.partitionForKey(key, partitions));
    }
  }
}
