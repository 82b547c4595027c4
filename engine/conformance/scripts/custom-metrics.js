// Custom metrics with tags and thresholds on sub-metrics (k6 docs: "Create custom metrics", "Thresholds").
import http from 'k6/http';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';

const orders = new Counter('orders');
const basket = new Gauge('basket_size');
const paid = new Rate('paid');
const wait = new Trend('wait_time', true);

export const options = {
  iterations: 4,
  thresholds: {
    'orders{kind:book}': ['count==4'],
    'orders{kind:pen}': ['count==8'],
    orders: ['count==12'],
    paid: ['rate==0.75'],
    'wait_time{step:pay}': ['max<60000'],
    basket_size: ['value==3'],
  },
};

export default function () {
  const res = http.get(`${__ENV.BASE}/record/order`);
  orders.add(1, { kind: 'book' });
  orders.add(2, { kind: 'pen' });
  basket.add(3);
  paid.add(__ITER !== 0);
  wait.add(res.timings.duration, { step: 'pay' });
}
