import java.awt.*;
import java.awt.geom.*;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import java.io.File;

/** Renders assets/punchline.svg's shapes with Java2D (the SVG is the source; keep both in step). */
public class DrawIcon {
    public static void main(String[] a) throws Exception {
        int size = Integer.parseInt(a[1]);
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.scale(size / 256.0, size / 256.0);
        g.setColor(Color.decode("#0d1117"));
        g.fill(new RoundRectangle2D.Double(8, 8, 240, 240, 96, 96));
        Path2D relay = new Path2D.Double();
        relay.moveTo(56, 170); relay.lineTo(128, 70); relay.lineTo(200, 170);
        g.setColor(Color.decode("#f0883e"));
        g.setStroke(new BasicStroke(10, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10, new float[]{18, 14}, 0));
        g.draw(relay);
        g.setColor(Color.decode("#3fb950"));
        g.setStroke(new BasicStroke(16, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(new Line2D.Double(56, 170, 200, 170));
        circle(g, 128, 70, 24, "#30363d");
        circle(g, 56, 170, 30, "#58a6ff");
        circle(g, 200, 170, 30, "#58a6ff");
        g.dispose();
        ImageIO.write(img, "png", new File(a[0]));
    }
    static void circle(Graphics2D g, double cx, double cy, double r, String fill) {
        Ellipse2D e = new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
        g.setColor(Color.decode(fill)); g.fill(e);
        g.setColor(Color.decode("#e6edf3")); g.setStroke(new BasicStroke(8)); g.draw(e);
    }
}
