#pragma once
// The fbc model's background image slot: shows a thumbnail, takes a photo dropped from the file
// manager or chosen with a click, and is cleared with the context menu / Delete key. The file is
// decoded on Qt's pool (a 24 MP background would otherwise hold the window for a third of a second).
#include <QImage>
#include <QLabel>
#include <QString>

#include <opencv2/core.hpp>

namespace chiaro::gui {

class BackgroundSlot : public QLabel {
    Q_OBJECT
public:
    explicit BackgroundSlot(QWidget* parent = nullptr);

    // Starts loading an image file as the background: false (and the old one kept) when its header
    // is unreadable; otherwise the decode runs on the pool and ends with backgroundChanged(path), or
    // loadFailed(message) with the old background kept. A later call supersedes an earlier one.
    bool setBackgroundFile(const QString& path);
    void clear();
    const cv::Mat& background() const { return m_background; }  // CV_8UC3 RGB, empty = none
    QString path() const { return m_path; }
    bool isLoading() const { return m_loading != 0; }

Q_SIGNALS:
    void backgroundChanged(const QString& path);
    void loadFailed(const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    cv::Mat m_background;
    QImage m_thumbnail;  // made with the decode, on the pool
    QString m_path;
    quint64 m_requests = 0;  // the newest request's number
    quint64 m_loading = 0;   // the request still decoding (0 = none)
};

}  // namespace chiaro::gui
